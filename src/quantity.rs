//! Exact Kubernetes `resource.Quantity` values.
//!
//! A [`Quantity`] holds its value as an integer count of nano-units (`value × 10⁹`), which is
//! the finest precision Kubernetes keeps: anything finer is rounded **up**, away from zero, when
//! parsed. No floating point is used anywhere on the path from text to scheduler integers.
//!
//! ```
//! use podplan::quantity::Quantity;
//!
//! let q: Quantity = "1.5Gi".parse().unwrap();
//! assert_eq!(q.to_base_units_ceil(), 1_610_612_736);
//! assert_eq!("100m".parse::<Quantity>().unwrap().to_milli_ceil(), 100);
//! assert_eq!("0.1".parse::<Quantity>().unwrap(), "100m".parse().unwrap());
//! assert!("1K".parse::<Quantity>().is_err()); // `k` is kilo, `K` is not a suffix
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// Nano-units per unit.
const NANO: i128 = 1_000_000_000;
/// Nano-units per milli-unit.
const NANO_PER_MILLI: i128 = 1_000_000;
/// The largest magnitude accepted, in nano-units (about 10²⁹, far beyond any real resource).
const MAX_NANOS: i128 = 100_000_000_000_000_000_000_000_000_000_000_000;

/// How a quantity was written, which decides how it is rendered back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum QuantityFormat {
    /// `Ki`, `Mi`, … (powers of two).
    BinarySi,
    /// `m`, `k`, `M`, … or no suffix (powers of ten).
    #[default]
    DecimalSi,
    /// `1e3`, `5E-3`.
    DecimalExponent,
}

/// An exact Kubernetes quantity (`100m`, `1.5Gi`, `1e3`, `0.5`).
///
/// Equality and ordering compare values only, never the format.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quantity {
    nanos: i128,
    format: QuantityFormat,
}

/// Why a string is not a quantity. The offending text is always part of the message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QuantityError {
    /// Empty text.
    #[error("empty quantity")]
    Empty,
    /// The text does not follow the quantity grammar.
    #[error("invalid quantity `{text}`: {reason}")]
    Syntax {
        /// The text that was parsed.
        text: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The value is too large to represent.
    #[error("quantity `{text}` is out of range")]
    OutOfRange {
        /// The text that was parsed.
        text: String,
    },
}

impl Quantity {
    /// Zero.
    pub const ZERO: Quantity = Quantity {
        nanos: 0,
        format: QuantityFormat::DecimalSi,
    };

    /// A quantity from whole units (`from_units(2)` is `2`).
    pub fn from_units(units: i64) -> Self {
        Quantity {
            nanos: i128::from(units) * NANO,
            format: QuantityFormat::DecimalSi,
        }
    }

    /// A quantity from milli-units (`from_milli(250)` is `250m`).
    pub fn from_milli(milli: i64) -> Self {
        Quantity {
            nanos: i128::from(milli) * NANO_PER_MILLI,
            format: QuantityFormat::DecimalSi,
        }
    }

    /// A quantity from nano-units.
    pub fn from_nanos(nanos: i128) -> Self {
        Quantity {
            nanos,
            format: QuantityFormat::DecimalSi,
        }
    }

    /// The value in nano-units.
    pub fn nanos(&self) -> i128 {
        self.nanos
    }

    /// The format the quantity was written in.
    pub fn format(&self) -> QuantityFormat {
        self.format
    }

    /// Whether the value is zero.
    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        self.nanos < 0
    }

    /// Rounds up (towards positive infinity) to milli precision, as API defaulting does for every
    /// resource list (`2n` becomes `1m`).
    pub fn round_up_to_milli(self) -> Self {
        Quantity {
            nanos: ceil_div(self.nanos, NANO_PER_MILLI) * NANO_PER_MILLI,
            format: self.format,
        }
    }

    /// `ceil(value × 1000)`: Kubernetes' `MilliValue`, used for cpu.
    pub fn to_milli_ceil(&self) -> i128 {
        ceil_div(self.nanos, NANO_PER_MILLI)
    }

    /// `ceil(value)`: Kubernetes' `Value`, used for memory, storage and every other resource.
    pub fn to_base_units_ceil(&self) -> i128 {
        ceil_div(self.nanos, NANO)
    }

    /// The sum of two quantities (the format of `self` is kept).
    pub fn checked_add(self, other: Quantity) -> Option<Quantity> {
        let nanos = self.nanos.checked_add(other.nanos)?;
        (nanos.abs() <= MAX_NANOS).then_some(Quantity {
            nanos,
            format: self.format,
        })
    }

    /// Renders in the canonical form of the quantity's format. Parsing the result gives back an
    /// equal value.
    pub fn render(&self) -> String {
        match self.format {
            QuantityFormat::BinarySi => {
                if self.nanos % NANO == 0 {
                    let units = self.nanos / NANO;
                    let suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
                    let mut value = units;
                    let mut index = 0;
                    while index + 1 < suffixes.len() && value != 0 && value % 1024 == 0 {
                        value /= 1024;
                        index += 1;
                    }
                    return format!("{value}{}", suffixes[index]);
                }
                render_decimal(self.nanos)
            }
            QuantityFormat::DecimalSi => render_decimal(self.nanos),
            QuantityFormat::DecimalExponent => {
                // mantissa × 10^exponent with exponent a multiple of 3, like Kubernetes.
                let mut mantissa = self.nanos;
                let mut exponent: i32 = -9;
                while mantissa != 0 && mantissa % 1000 == 0 {
                    mantissa /= 1000;
                    exponent += 3;
                }
                if exponent == 0 {
                    format!("{mantissa}")
                } else {
                    format!("{mantissa}e{exponent}")
                }
            }
        }
    }
}

fn render_decimal(nanos: i128) -> String {
    let suffixes = [
        ("n", -9),
        ("u", -6),
        ("m", -3),
        ("", 0),
        ("k", 3),
        ("M", 6),
        ("G", 9),
        ("T", 12),
        ("P", 15),
        ("E", 18),
    ];
    let mut value = nanos;
    let mut index = 0;
    while index + 1 < suffixes.len() && value != 0 && value % 1000 == 0 {
        value /= 1000;
        index += 1;
    }
    if value == 0 {
        return "0".to_string();
    }
    format!("{value}{}", suffixes[index].0)
}

/// Integer division rounding towards positive infinity.
fn ceil_div(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator.div_euclid(denominator);
    if numerator.rem_euclid(denominator) == 0 {
        quotient
    } else {
        quotient + 1
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

impl std::hash::Hash for Quantity {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.nanos.hash(state);
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl FromStr for Quantity {
    type Err = QuantityError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse(text)
    }
}

/// The multiplier a suffix stands for.
enum Scale {
    /// 10^exponent.
    Decimal(i32),
    /// 2^exponent.
    Binary(u32),
}

fn parse(text: &str) -> Result<Quantity, QuantityError> {
    let syntax = |reason| QuantityError::Syntax {
        text: text.to_string(),
        reason,
    };
    let out_of_range = || QuantityError::OutOfRange {
        text: text.to_string(),
    };
    if text.is_empty() {
        return Err(QuantityError::Empty);
    }
    let bytes = text.as_bytes();
    let mut pos = 0;
    let negative = match bytes[0] {
        b'+' => {
            pos = 1;
            false
        }
        b'-' => {
            pos = 1;
            true
        }
        _ => false,
    };
    let int_start = pos;
    while pos < bytes.len() && bytes[pos].is_ascii_digit() {
        pos += 1;
    }
    let int_digits = &text[int_start..pos];
    let mut frac_digits = "";
    if pos < bytes.len() && bytes[pos] == b'.' {
        pos += 1;
        let frac_start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_digit() {
            pos += 1;
        }
        frac_digits = &text[frac_start..pos];
    }
    if int_digits.is_empty() && frac_digits.is_empty() {
        return Err(syntax("expected a number"));
    }
    let suffix = &text[pos..];
    let (scale, format) = match suffix {
        "" => (Scale::Decimal(0), QuantityFormat::DecimalSi),
        "n" => (Scale::Decimal(-9), QuantityFormat::DecimalSi),
        "u" => (Scale::Decimal(-6), QuantityFormat::DecimalSi),
        "m" => (Scale::Decimal(-3), QuantityFormat::DecimalSi),
        "k" => (Scale::Decimal(3), QuantityFormat::DecimalSi),
        "M" => (Scale::Decimal(6), QuantityFormat::DecimalSi),
        "G" => (Scale::Decimal(9), QuantityFormat::DecimalSi),
        "T" => (Scale::Decimal(12), QuantityFormat::DecimalSi),
        "P" => (Scale::Decimal(15), QuantityFormat::DecimalSi),
        "E" => (Scale::Decimal(18), QuantityFormat::DecimalSi),
        "Ki" => (Scale::Binary(10), QuantityFormat::BinarySi),
        "Mi" => (Scale::Binary(20), QuantityFormat::BinarySi),
        "Gi" => (Scale::Binary(30), QuantityFormat::BinarySi),
        "Ti" => (Scale::Binary(40), QuantityFormat::BinarySi),
        "Pi" => (Scale::Binary(50), QuantityFormat::BinarySi),
        "Ei" => (Scale::Binary(60), QuantityFormat::BinarySi),
        _ => {
            let rest = suffix
                .strip_prefix('e')
                .or_else(|| suffix.strip_prefix('E'))
                .ok_or_else(|| syntax("unknown suffix"))?;
            let digits = rest
                .strip_prefix('+')
                .or_else(|| rest.strip_prefix('-'))
                .unwrap_or(rest);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(syntax("an exponent needs digits"));
            }
            if digits.len() > 4 {
                return Err(out_of_range());
            }
            let exponent: i32 = rest.parse().map_err(|_| syntax("bad exponent"))?;
            (Scale::Decimal(exponent), QuantityFormat::DecimalExponent)
        }
    };
    // Significant digits beyond 40 cannot matter at nano precision below the range limit.
    let all_digits = format!("{int_digits}{frac_digits}");
    let trimmed = all_digits.trim_start_matches('0');
    if trimmed.len() > 36 {
        return Err(out_of_range());
    }
    let mantissa: i128 = if trimmed.is_empty() {
        0
    } else {
        trimmed.parse().map_err(|_| out_of_range())?
    };
    // value = mantissa × 10^(-frac_len) × scale; nanos = value × 10^9, rounded up in magnitude.
    let frac_len = frac_digits.len() as i32;
    let (numerator, denominator) = match scale {
        Scale::Decimal(exponent) => {
            let power = exponent + 9 - frac_len;
            if power >= 0 {
                let factor = checked_pow10(power).ok_or_else(out_of_range)?;
                (mantissa.checked_mul(factor).ok_or_else(out_of_range)?, 1)
            } else {
                // Dividing by more than 10^38 leaves less than one nano-unit: rounds up to 1.
                match checked_pow10(-power) {
                    Some(divisor) => (mantissa, divisor),
                    None => (i128::from(mantissa != 0), 1),
                }
            }
        }
        Scale::Binary(exponent) => {
            let factor = 1i128 << exponent;
            let numerator = mantissa
                .checked_mul(factor)
                .and_then(|v| v.checked_mul(NANO))
                .ok_or_else(out_of_range)?;
            let divisor = checked_pow10(frac_len).ok_or_else(out_of_range)?;
            (numerator, divisor)
        }
    };
    let magnitude = ceil_div(numerator, denominator);
    if magnitude > MAX_NANOS {
        return Err(out_of_range());
    }
    Ok(Quantity {
        nanos: if negative { -magnitude } else { magnitude },
        format,
    })
}

fn checked_pow10(power: i32) -> Option<i128> {
    if !(0..=38).contains(&power) {
        return None;
    }
    10i128.checked_pow(power as u32)
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.render())
    }
}

impl<'de> Deserialize<'de> for Quantity {
    /// Accepts a string or a bare number; a bare YAML scalar arrives as the text written.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct QuantityVisitor;
        impl serde::de::Visitor<'_> for QuantityVisitor {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a quantity such as `100m`, `1.5Gi` or `2`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Quantity, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Quantity, E> {
                Ok(Quantity::from_units(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Quantity, E> {
                i64::try_from(v)
                    .map(Quantity::from_units)
                    .map_err(|_| E::custom(format!("quantity `{v}` is out of range")))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Quantity, E> {
                // Only reached from JSON readers that already turned the text into a float; the
                // shortest round-trip rendering is the text that was written.
                format!("{v}").parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(QuantityVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Quantity {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn grammar_table() {
        // (text, nanos)
        let table: &[(&str, i128)] = &[
            ("0", 0),
            ("1", NANO),
            ("1.", NANO),
            (".5", NANO / 2),
            ("0.5", NANO / 2),
            ("500m", NANO / 2),
            ("5e-1", NANO / 2),
            ("+1", NANO),
            ("-1", -NANO),
            ("100m", NANO / 10),
            ("2n", 2),
            ("100u", 100_000),
            ("1k", 1000 * NANO),
            ("1M", 1_000_000 * NANO),
            ("1G", 1_000_000_000 * NANO),
            ("1.5G", 1_500_000_000 * NANO),
            ("1.5e9", 1_500_000_000 * NANO),
            ("1e3", 1000 * NANO),
            ("1E3", 1000 * NANO),
            ("1E", 1_000_000_000_000_000_000 * NANO),
            ("1Ki", 1024 * NANO),
            ("128Mi", 134_217_728 * NANO),
            ("1.5Gi", 1_610_612_736 * NANO),
            ("0.1Mi", 104_857_600_000_000),
            ("1Ti", (1i128 << 40) * NANO),
            ("1Pi", (1i128 << 50) * NANO),
            ("8Ei", (8i128 << 60) * NANO),
            ("1.0000000001", NANO + 1),   // finer than nano rounds up
            ("-1.0000000001", -NANO - 1), // away from zero
        ];
        for (text, nanos) in table {
            assert_eq!(q(text).nanos(), *nanos, "{text}");
        }
    }

    #[test]
    fn invalid_texts_are_rejected_with_the_text() {
        for text in [
            "",
            "K",
            "1K",
            "1Kb",
            "1 Gi",
            "e3",
            "1e",
            "1e+",
            "abc",
            "1.2.3",
            "--1",
            "1mi",
            "0x10",
            "1Gi ",
            " 1",
            "__DNS__MEMORY__LIMIT__",
            ".",
            "1e99999",
        ] {
            let err = text.parse::<Quantity>().expect_err(text);
            if !text.is_empty() {
                assert!(err.to_string().contains(text), "{err}");
            }
        }
    }

    #[test]
    fn scheduler_integers() {
        assert_eq!(q("100m").to_milli_ceil(), 100);
        assert_eq!(q("0.1").to_milli_ceil(), 100);
        assert_eq!(q("1").to_milli_ceil(), 1000);
        assert_eq!(q("2n").round_up_to_milli().to_milli_ceil(), 1);
        assert_eq!(q("1500m").to_base_units_ceil(), 2);
        assert_eq!(q("1G").to_base_units_ceil(), 1_000_000_000);
        assert_eq!(q("0.1Mi").to_base_units_ceil(), 104_858);
    }

    #[test]
    fn rendering() {
        assert_eq!(q("1.5Gi").render(), "1536Mi");
        assert_eq!(q("1024Mi").render(), "1Gi");
        assert_eq!(q("100m").render(), "100m");
        assert_eq!(q("0.5").render(), "500m");
        assert_eq!(q("1500").render(), "1500");
        assert_eq!(q("2000").render(), "2k");
        assert_eq!(q("1e3").render(), "1e3");
        assert_eq!(q("0.1Mi").render(), "104857600m");
    }
}
