//! Corrections to the generated OpenAPI document where the generator's schema and serde's
//! behaviour differ, applied by `openapi::complete` so the document stays a function of the
//! code and tells the truth (checked against real answers by `tests/openapi_contract.rs`).

use utoipa::openapi::schema::{AdditionalProperties, Object, Schema, SchemaType, Type};
use utoipa::openapi::{OpenApi, RefOr};

/// A struct with `#[serde(flatten)]` of a `deny_unknown_fields` struct (`ProtocolLines` over
/// `BallotLines`) comes out as `allOf: [$ref Inner, {outer fields}]` where `Inner` says
/// `additionalProperties: false` — which, in JSON Schema, refuses the outer fields, so every
/// real answer would be invalid. serde reads such a struct as one flat object with the fields
/// of both and nothing else, so that is the schema given instead: the properties and
/// required fields of every part, no others.
pub(crate) fn merge_flattened(doc: &mut OpenApi) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let snapshot = components.schemas.clone();
    let object_of = |part: &RefOr<Schema>| -> Option<Object> {
        match part {
            RefOr::T(Schema::Object(o)) => Some(o.clone()),
            RefOr::Ref(r) => {
                let name = r.ref_location.strip_prefix("#/components/schemas/")?;
                match snapshot.get(name)? {
                    RefOr::T(Schema::Object(o)) => Some(o.clone()),
                    _ => None,
                }
            }
            _ => None,
        }
    };
    let closed = |o: &Object| {
        matches!(
            o.additional_properties.as_deref(),
            Some(AdditionalProperties::FreeForm(false))
        )
    };
    for schema in components.schemas.values_mut() {
        let RefOr::T(Schema::AllOf(all)) = schema else {
            continue;
        };
        let Some(parts) = all.items.iter().map(object_of).collect::<Option<Vec<_>>>() else {
            continue;
        };
        if !parts.iter().any(closed) {
            continue;
        }
        let mut merged = Object::with_type(SchemaType::Type(Type::Object));
        merged.description = all.description.clone();
        for part in parts {
            merged.properties.extend(part.properties);
            for r in part.required {
                if !merged.required.contains(&r) {
                    merged.required.push(r);
                }
            }
        }
        merged.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
        *schema = RefOr::T(Schema::Object(merged));
    }
}
