//! Absentee certificates (BRIEF §3): issuing one as `ashyq_core::register::absentee`
//! decides, and declaring one lost. Their use is recorded with the mark that presents them.

use ashyq_core::iin::IinDigest;
use ashyq_core::register::absentee::{self, AbsenteeRefusal, Serial};
use ashyq_core::register::acts::RegisterAction;
use ashyq_core::territory::{PrecinctId, Territory};
use chrono::NaiveDateTime;

use super::audit::Operator;
use super::columns::precinct_of;
use super::event::RegisterEvent;
use crate::{Store, StoreError};

impl Store {
    /// Issues an absentee certificate (audited), or says why not. `serial` is the number of
    /// the printed form; `None` takes the next free one. `destination` is the locality
    /// (district id) where the voter will be, when inside the country.
    #[allow(clippy::too_many_arguments)]
    pub async fn issue_certificate(
        &self,
        event: &RegisterEvent<'_>,
        territory: &Territory,
        digest: &IinDigest,
        issuing_precinct: PrecinctId,
        destination: Option<&ashyq_core::territory::DistrictId>,
        serial: Option<Serial>,
        local_time: NaiveDateTime,
        operator: &Operator<'_>,
    ) -> Result<Result<Serial, AbsenteeRefusal>, StoreError> {
        self.audit(operator, RegisterAction::IssueCertificate, digest.as_str())
            .await?;
        let action = "issuing an absentee certificate";
        let result = with_pool!(self, pool => {
            let mut tx = pool.begin().await.map_err(StoreError::db(action))?;
            let home: Option<(i64,)> = sqlx::query_as("SELECT precinct FROM voters WHERE iin_digest = $1")
                .bind(digest.as_str()).fetch_optional(&mut *tx).await.map_err(StoreError::db(action))?;
            let existing: Option<(i64,)> = sqlx::query_as("SELECT serial FROM absentee_certificates WHERE event = $1 AND iin_digest = $2")
                .bind(event.id).bind(digest.as_str()).fetch_optional(&mut *tx).await.map_err(StoreError::db(action))?;
            let serial = match serial {
                Some(s) => Some(s),
                None => {
                    let (max,): (Option<i64>,) = sqlx::query_as("SELECT MAX(serial) FROM absentee_certificates WHERE event = $1")
                        .bind(event.id).fetch_one(&mut *tx).await.map_err(StoreError::db(action))?;
                    Serial::new(u32::try_from(max.unwrap_or(0) + 1).unwrap_or(u32::MAX))
                }
            };
            let Some(serial) = serial else {
                return Ok(Err(AbsenteeRefusal::SerialsExhausted));
            };
            let (taken,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM absentee_certificates WHERE event = $1 AND serial = $2")
                .bind(event.id).bind(i64::from(serial.get())).fetch_one(&mut *tx).await.map_err(StoreError::db(action))?;
            let home = home.map(|(p,)| precinct_of(p));
            let locality = home.and_then(|h| territory.precincts.iter().find(|p| p.id == h)).map(|p| &p.district);
            let app = absentee::Application {
                voting_day: event.voting_day,
                at: local_time,
                issuing_precinct,
                home: home.zip(locality),
                destination,
                existing: existing.and_then(|(s,)| Serial::new(u32::try_from(s).ok()?)),
                serial,
                serial_taken: taken > 0,
            };
            match absentee::decide_issue(&app) {
                Err(refusal) => Err(refusal),
                Ok(()) => {
                    sqlx::query("INSERT INTO absentee_certificates (event, serial, iin_digest, home_precinct, issued_at, issued_by, status) VALUES ($1, $2, $3, $4, $5, $6, 'issued')")
                        .bind(event.id).bind(i64::from(serial.get())).bind(digest.as_str())
                        .bind(i64::from(issuing_precinct.0)).bind(operator.at).bind(operator.name)
                        .execute(&mut *tx).await.map_err(StoreError::db(action))?;
                    tx.commit().await.map_err(StoreError::db(action))?;
                    Ok(serial)
                }
            }
        });
        Ok(result)
    }

    /// Declares a certificate lost (audited): it can no longer be used, and its holder gets
    /// no other. `false` if no such certificate or it was already used.
    pub async fn declare_certificate_lost(
        &self,
        event: &str,
        serial: Serial,
        operator: &Operator<'_>,
    ) -> Result<bool, StoreError> {
        self.audit(
            operator,
            RegisterAction::DeclareLost,
            &format!("certificate {serial}"),
        )
        .await?;
        let n = with_pool!(self, pool => {
            sqlx::query("UPDATE absentee_certificates SET status = 'lost' WHERE event = $1 AND serial = $2 AND status = 'issued'")
                .bind(event)
                .bind(i64::from(serial.get()))
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })
        .map_err(StoreError::db("declaring a certificate lost"))?;
        Ok(n == 1)
    }
}
