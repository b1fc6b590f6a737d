//! Property tests of the quantity parser: render/parse round trips for every suffix,
//! monotonicity, and the exact value of generated decimal texts.

use podplan::quantity::Quantity;
use proptest::prelude::*;

const DECIMAL: [(&str, i32); 10] = [
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
const BINARY: [(&str, u32); 6] = [
    ("Ki", 10),
    ("Mi", 20),
    ("Gi", 30),
    ("Ti", 40),
    ("Pi", 50),
    ("Ei", 60),
];

fn nanos_of_decimal(int: u64, frac: &str, exponent: i32) -> i128 {
    // value = (int.frac) × 10^exponent, in nano-units, rounded up.
    let digits: i128 = format!("{int}{frac}").parse().unwrap();
    let power = exponent + 9 - frac.len() as i32;
    if power >= 0 {
        digits * 10i128.pow(power as u32)
    } else {
        let divisor = 10i128.pow((-power) as u32);
        (digits + divisor - 1) / divisor
    }
}

proptest! {
    #[test]
    fn decimal_texts_have_their_exact_value(int in 0u64..100_000, frac in "[0-9]{0,4}", suffix in 0usize..DECIMAL.len()) {
        let (name, exponent) = DECIMAL[suffix];
        let text = if frac.is_empty() { format!("{int}{name}") } else { format!("{int}.{frac}{name}") };
        let q: Quantity = text.parse().unwrap();
        prop_assert_eq!(q.nanos(), nanos_of_decimal(int, &frac, exponent));
        // The same value written with an exponent.
        let exp_text = if frac.is_empty() { format!("{int}e{exponent}") } else { format!("{int}.{frac}e{exponent}") };
        prop_assert_eq!(exp_text.parse::<Quantity>().unwrap(), q);
    }

    #[test]
    fn binary_texts_have_their_exact_value(int in 0u64..100_000, suffix in 0usize..BINARY.len()) {
        let (name, shift) = BINARY[suffix];
        let q: Quantity = format!("{int}{name}").parse().unwrap();
        prop_assert_eq!(q.nanos(), (i128::from(int) << shift) * 1_000_000_000);
    }

    #[test]
    fn render_then_parse_round_trips(int in 0u64..1_000_000, frac in "[0-9]{0,3}", suffix in 0usize..16, negative in any::<bool>()) {
        let name = if suffix < DECIMAL.len() { DECIMAL[suffix].0 } else { BINARY[suffix - DECIMAL.len()].0 };
        let sign = if negative { "-" } else { "" };
        let text = if frac.is_empty() { format!("{sign}{int}{name}") } else { format!("{sign}{int}.{frac}{name}") };
        let q: Quantity = text.parse().unwrap();
        let rendered = q.render();
        prop_assert_eq!(rendered.parse::<Quantity>().unwrap(), q, "{} rendered as {}", text, rendered);
    }

    #[test]
    fn parsing_is_monotone(a in 0u64..1_000_000, b in 0u64..1_000_000, suffix in 0usize..DECIMAL.len()) {
        let name = DECIMAL[suffix].0;
        let qa: Quantity = format!("{a}{name}").parse().unwrap();
        let qb: Quantity = format!("{b}{name}").parse().unwrap();
        prop_assert_eq!(a.cmp(&b), qa.cmp(&qb));
        // Larger suffixes never give smaller values.
        if suffix + 1 < DECIMAL.len() && a > 0 {
            let bigger: Quantity = format!("{a}{}", DECIMAL[suffix + 1].0).parse().unwrap();
            prop_assert!(bigger > qa);
        }
    }

    #[test]
    fn garbage_never_panics(text in "\\PC{0,12}") {
        let _ = text.parse::<Quantity>();
    }
}
