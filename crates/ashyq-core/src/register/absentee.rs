//! Absentee certificates, exactly as BRIEF §3 states the rules:
//!
//! - issued on a written application by the commission of the precinct of permanent
//!   registration, from 15 days before voting day until 18:00 (local time) the day before;
//! - a five-digit serial number, unique within the event;
//! - never issued to vote at another precinct of the same locality;
//! - a lost certificate is not replaced: a person gets at most one per event;
//! - the voter list of the home precinct is marked (the person gets no ballot there), and the
//!   person is added to the list of the precinct where the certificate is presented.
//!
//! Times are local civil times of the jurisdiction (UTC+5 for `kz`); the caller converts.

use std::fmt;

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::territory::{DistrictId, PrecinctId};

/// How many days before voting day applications open.
pub const OPENS_DAYS_BEFORE: u64 = 15;
/// The hour of the day before voting day at which applications close.
pub const CLOSES_AT_HOUR: u32 = 18;

/// The window for applications: `[opens, closes)`, local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// 00:00 fifteen days before voting day.
    pub opens: NaiveDateTime,
    /// 18:00 the day before voting day (an application at 18:00 exactly is late).
    pub closes: NaiveDateTime,
}

/// The application window for `voting_day`.
pub fn window(voting_day: NaiveDate) -> Window {
    let opens = voting_day - Days::new(OPENS_DAYS_BEFORE);
    let closes = voting_day - Days::new(1);
    Window {
        opens: opens.and_time(NaiveTime::MIN),
        closes: closes
            .and_time(NaiveTime::from_hms_opt(CLOSES_AT_HOUR, 0, 0).expect("18:00 is a time")),
    }
}

/// A five-digit serial number, `00001`–`99999`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Serial(u32);

impl Serial {
    /// The largest serial.
    pub const MAX: u32 = 99_999;

    /// Parses exactly five digits, not `00000`.
    pub fn parse(text: &str) -> Result<Serial, AbsenteeRefusal> {
        let t = text.trim();
        if t.len() == 5 && t.bytes().all(|b| b.is_ascii_digit()) {
            let n: u32 = t.parse().map_err(|_| AbsenteeRefusal::BadSerial)?;
            if n >= 1 {
                return Ok(Serial(n));
            }
        }
        Err(AbsenteeRefusal::BadSerial)
    }

    /// The serial `n`, if 1–99,999.
    pub fn new(n: u32) -> Option<Serial> {
        (1..=Serial::MAX).contains(&n).then_some(Serial(n))
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:05}", self.0)
    }
}

/// The life of a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum CertificateStatus {
    /// Issued, not yet presented.
    Issued,
    /// Declared lost: it can never be used, nor replaced.
    Lost,
    /// Presented at this precinct, where the voter was added to the list.
    Used {
        /// The precinct.
        at: PrecinctId,
    },
}

/// Why a certificate is not issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum AbsenteeRefusal {
    /// Outside the application window.
    #[error(
        "applications are accepted from {} until {} local time; this one is dated {at}",
        window.opens, window.closes
    )]
    OutsideWindow {
        /// The window.
        window: Window,
        /// When the application was made.
        at: NaiveDateTime,
    },
    /// Only the commission of the precinct of permanent registration issues certificates.
    #[error(
        "only the commission of precinct {home} (the voter's precinct of permanent registration) issues the certificate"
    )]
    NotHomePrecinct {
        /// The voter's precinct.
        home: PrecinctId,
    },
    /// The person is not on the register.
    #[error("the person is not on the voter register")]
    NotOnRegister,
    /// Voting elsewhere in the same locality is not a reason for a certificate.
    #[error(
        "no certificate is issued for voting in the same locality ({locality}); the voter votes at their own precinct"
    )]
    SameLocality {
        /// The locality (district).
        locality: DistrictId,
    },
    /// The person already has one for this event (issued, used or lost).
    #[error(
        "a certificate (serial {serial}) was already issued to this person for this event; a lost certificate is not replaced"
    )]
    AlreadyIssued {
        /// The serial of the existing certificate.
        serial: Serial,
    },
    /// Not five digits 00001–99999.
    #[error("a certificate serial is five digits, 00001–99999")]
    BadSerial,
    /// The serial was used for another certificate of this event.
    #[error("serial {serial} was already used for another certificate of this event")]
    SerialTaken {
        /// The serial.
        serial: Serial,
    },
    /// Every serial of the event is used.
    #[error("all 99,999 serials of this event are used")]
    SerialsExhausted,
}

/// What the rules need to decide an application.
#[derive(Debug, Clone)]
pub struct Application<'a> {
    /// Voting day.
    pub voting_day: NaiveDate,
    /// When the application is made (local time).
    pub at: NaiveDateTime,
    /// The precinct whose commission receives the application.
    pub issuing_precinct: PrecinctId,
    /// The voter's precinct of permanent registration, `None` if not on the register.
    pub home: Option<(PrecinctId, &'a DistrictId)>,
    /// The locality where the voter will be on voting day, if they say it is within the
    /// country (`None`: elsewhere, abroad, or unknown).
    pub destination: Option<&'a DistrictId>,
    /// The serial of the person's existing certificate for this event, if any.
    pub existing: Option<Serial>,
    /// The serial to issue.
    pub serial: Serial,
    /// Whether that serial is already taken in this event.
    pub serial_taken: bool,
}

/// Decides an application: `Ok` means issue `app.serial` and mark the home list.
pub fn decide_issue(app: &Application<'_>) -> Result<(), AbsenteeRefusal> {
    let w = window(app.voting_day);
    if app.at < w.opens || app.at >= w.closes {
        return Err(AbsenteeRefusal::OutsideWindow {
            window: w,
            at: app.at,
        });
    }
    let (home, locality) = app.home.ok_or(AbsenteeRefusal::NotOnRegister)?;
    if home != app.issuing_precinct {
        return Err(AbsenteeRefusal::NotHomePrecinct { home });
    }
    if let Some(serial) = app.existing {
        return Err(AbsenteeRefusal::AlreadyIssued { serial });
    }
    if app.destination == Some(locality) {
        return Err(AbsenteeRefusal::SameLocality {
            locality: locality.clone(),
        });
    }
    if app.serial_taken {
        return Err(AbsenteeRefusal::SerialTaken { serial: app.serial });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    fn app<'a>(
        at: NaiveDateTime,
        home: &'a DistrictId,
        dest: Option<&'a DistrictId>,
    ) -> Application<'a> {
        Application {
            voting_day: NaiveDate::from_ymd_opt(2026, 3, 15).unwrap(),
            at,
            issuing_precinct: PrecinctId(5),
            home: Some((PrecinctId(5), home)),
            destination: dest,
            existing: None,
            serial: Serial::new(1).unwrap(),
            serial_taken: false,
        }
    }

    #[test]
    fn the_window_is_fifteen_days_before_until_18_00_the_day_before() {
        let home = DistrictId("KZ-75-01".into());
        let other = DistrictId("KZ-11-02".into());
        let ok = |at| decide_issue(&app(at, &home, Some(&other)));
        assert!(ok(t(2026, 2, 28, 0, 0)).is_ok());
        assert!(ok(t(2026, 3, 14, 17, 59)).is_ok());
        assert!(matches!(
            ok(t(2026, 2, 27, 23, 59)),
            Err(AbsenteeRefusal::OutsideWindow { .. })
        ));
        assert!(matches!(
            ok(t(2026, 3, 14, 18, 0)),
            Err(AbsenteeRefusal::OutsideWindow { .. })
        ));
        assert!(matches!(
            ok(t(2026, 3, 15, 9, 0)),
            Err(AbsenteeRefusal::OutsideWindow { .. })
        ));
    }

    #[test]
    fn same_locality_lost_and_wrong_commission_are_refused() {
        let home = DistrictId("KZ-75-01".into());
        let at = t(2026, 3, 10, 12, 0);
        assert_eq!(
            decide_issue(&app(at, &home, Some(&home))),
            Err(AbsenteeRefusal::SameLocality {
                locality: home.clone()
            })
        );
        let mut a = app(at, &home, None);
        a.existing = Serial::new(42);
        assert_eq!(
            decide_issue(&a).unwrap_err().to_string(),
            "a certificate (serial 00042) was already issued to this person for this event; a lost certificate is not replaced"
        );
        let mut a = app(at, &home, None);
        a.issuing_precinct = PrecinctId(6);
        assert_eq!(
            decide_issue(&a),
            Err(AbsenteeRefusal::NotHomePrecinct {
                home: PrecinctId(5)
            })
        );
        let mut a = app(at, &home, None);
        a.serial_taken = true;
        assert!(matches!(
            decide_issue(&a),
            Err(AbsenteeRefusal::SerialTaken { .. })
        ));
        let mut a = app(at, &home, None);
        a.home = None;
        assert_eq!(decide_issue(&a), Err(AbsenteeRefusal::NotOnRegister));
    }

    proptest! {
        #[test]
        fn serials_are_exactly_five_digits_not_zero(text in ".{0,8}") {
            let ok = Serial::parse(&text);
            let t = text.trim();
            let expected = t.len() == 5 && t.bytes().all(|b| b.is_ascii_digit()) && t != "00000";
            prop_assert_eq!(ok.is_ok(), expected);
            if let Ok(s) = ok {
                prop_assert_eq!(s.to_string(), t);
            }
        }
    }
}
