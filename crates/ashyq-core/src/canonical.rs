//! RFC 8785 JSON Canonicalization Scheme (JCS): the one byte string a signed JSON document
//! stands for.
//!
//! JCS (RFC 8785 §3.2) writes JSON without whitespace, object members sorted by the UTF-16
//! code units of their names (§3.2.3), strings with the minimal escaping of ECMAScript
//! `JSON.stringify` (§3.2.2.2) and numbers in the ECMAScript double-precision number format
//! (§3.2.2.3). Two parties who hold the same data therefore hash and sign the same bytes,
//! whatever their JSON library and whatever key order or spacing a file was written in.
//!
//! The work is done by the maintained `serde_json_canonicalizer` crate, which implements
//! RFC 8785 on top of serde (number formatting through `ryu-js`, the ECMAScript algorithm).
//! `serde_jcs` was the other candidate; `serde_json_canonicalizer` was chosen for its explicit
//! test suite against the RFC's examples and its active releases.
//!
//! ## Integers
//! JCS numbers are IEEE 754 doubles: integers above 2⁵³ − 1 cannot be represented exactly by
//! every implementation (RFC 8785 §3.2.2.3, I-JSON RFC 7493 §2.2). The crate writes Rust
//! integers exactly, and every document ashyq signs keeps its integers far below that bound
//! ([`MAX_SAFE_INTEGER`] is checked where documents are parsed).

use serde::Serialize;

/// The largest integer every JCS implementation represents exactly: 2⁵³ − 1.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Canonicalization failed: the value cannot be expressed in canonical JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the value cannot be written as canonical JSON (RFC 8785): {0}; numbers must be finite and map keys must be strings"
)]
pub struct CanonicalError(String);

/// The RFC 8785 canonical encoding of a serializable value, as UTF-8 bytes.
pub fn to_canonical_vec<T: Serialize>(value: &T) -> Result<Vec<u8>, CanonicalError> {
    serde_json_canonicalizer::to_vec(value).map_err(|e| CanonicalError(e.to_string()))
}

/// The RFC 8785 canonical encoding of a serializable value, as a string.
pub fn to_canonical_string<T: Serialize>(value: &T) -> Result<String, CanonicalError> {
    serde_json_canonicalizer::to_string(value).map_err(|e| CanonicalError(e.to_string()))
}

/// Re-encodes JSON text canonically (parses it, then writes it per RFC 8785).
pub fn canonicalize_json(text: &str) -> Result<String, CanonicalError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| CanonicalError(e.to_string()))?;
    to_canonical_string(&value)
}

/// SHA-256 of the canonical encoding, 64 lowercase hex digits.
pub fn canonical_sha256_hex<T: Serialize>(value: &T) -> Result<String, CanonicalError> {
    to_canonical_vec(value).map(|bytes| crate::chain::sha256_hex(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc_8785_section_3_2_2_example() {
        // RFC 8785 §3.2.2, the example of the serialization of primitive data types.
        let input = r#"{
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }"#;
        let want = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
        assert_eq!(canonicalize_json(input).unwrap(), want);
    }

    #[test]
    fn rfc_8785_section_3_2_3_sorting_example() {
        // RFC 8785 §3.2.3: members sorted by UTF-16 code units, so the emoji (a surrogate pair
        // starting 0xD83D) sorts before U+FB33.
        let input = r#"{
          "\u20ac": "Euro Sign",
          "\r": "Carriage Return",
          "\ufb33": "Hebrew Letter Dalet With Dagesh",
          "1": "One",
          "\ud83d\ude00": "Emoji: Grinning Face",
          "\u0080": "Control",
          "\u00f6": "Latin Small Letter O With Diaeresis"
        }"#;
        let want = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",\"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}";
        assert_eq!(canonicalize_json(input).unwrap(), want);
    }

    #[test]
    fn rfc_8785_appendix_b_number_examples() {
        // RFC 8785 Appendix B: IEEE 754 values and their canonical text.
        for (value, want) in [
            (0.0_f64, "0"),
            (-0.0, "0"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (9007199254740992.0, "9007199254740992"),
            (9007199254740994.0, "9007199254740994"),
            (1e21, "1e+21"),
            (999999999999999900000.0, "999999999999999900000"),
            (0.000001, "0.000001"),
            (0.0000001, "1e-7"),
        ] {
            assert_eq!(to_canonical_string(&value).unwrap(), want, "{value:e}");
        }
        assert!(to_canonical_string(&f64::NAN).is_err());
        assert!(to_canonical_string(&f64::INFINITY).is_err());
    }

    #[test]
    fn struct_field_order_does_not_matter() {
        #[derive(Serialize)]
        struct Zb {
            z: u32,
            b: &'static str,
        }
        assert_eq!(
            to_canonical_string(&Zb { z: 1, b: "x" }).unwrap(),
            r#"{"b":"x","z":1}"#
        );
        assert!(canonicalize_json("{not json").is_err());
    }

    proptest! {
        #[test]
        fn canonical_text_is_a_fixed_point(
            entries in proptest::collection::btree_map(".{0,6}", any::<i32>(), 0..8),
            name in ".{0,10}",
        ) {
            let value = serde_json::json!({ "entries": entries, "name": name });
            let once = to_canonical_string(&value).unwrap();
            prop_assert_eq!(canonicalize_json(&once).unwrap(), once.clone());
            let pretty = serde_json::to_string_pretty(&value).unwrap();
            prop_assert_eq!(canonicalize_json(&pretty).unwrap(), once);
        }
    }
}
