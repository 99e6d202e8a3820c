//! Scores as the decimals they were computed as, in JSON.
//!
//! JSON numbers are f64: an f32 widened on its way into a `serde_json::Value` (the CLI, the
//! server and the audit log build one) prints its binary error ("0.05999999865889549" for
//! 0.06). Six decimals keep every digit an f32 in [0, 2] holds.

/// `x` as the f64 that prints as its decimal (six places).
pub fn decimal(x: f32) -> f64 {
    (f64::from(x) * 1e6).round() / 1e6
}

/// `#[serde(serialize_with = "chokepoint_model::decimal::f32")]`.
pub fn f32<S: serde::Serializer>(x: &f32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(decimal(*x))
}

/// [`f32`] for an optional value.
pub fn opt_f32<S: serde::Serializer>(x: &Option<f32>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(x) => f32(x, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_widened_f32_prints_as_its_decimal() {
        #[derive(serde::Serialize)]
        struct S {
            #[serde(serialize_with = "super::f32")]
            x: f32,
        }
        let v = serde_json::to_value(S { x: 0.06 }).unwrap();
        assert_eq!(v["x"].to_string(), "0.06");
        assert_eq!(super::decimal(0.723), 0.723);
    }
}
