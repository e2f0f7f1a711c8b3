//! Physical quantities written as strings in scenarios: durations, byte sizes,
//! bandwidths, event rates and percentages.
//!
//! Scenario files say `20ms`, `1.5KiB` or `10Mbit/s`. This module turns that text into
//! exact integers (nanoseconds, bytes, bits per second, parts per million), so no result
//! of the simulation depends on how a float happened to round an input. It promises:
//!
//! - **Exact parsing.** Decimal fractions are scaled with integer arithmetic. An input that
//!   is not a whole number of the base unit (`0.3B`, `1.0000000001s`) is an error, not
//!   silently rounded.
//! - **Lossless round trips.** `Display` and `Serialize` write a canonical string (the
//!   largest unit that holds the value as a whole number, e.g. `1500ms`) that parses back
//!   to the same value.
//! - **Errors that explain themselves.** Every failure is a [`UnitError`] that quotes the
//!   input, says what is wrong and lists the accepted units. Through serde it becomes the
//!   deserializer's message, to which serde-saphyr adds the YAML line and column.
//! - **No guessed units.** A bare number such as `payload: 180` is rejected rather than
//!   read in some default unit. The only exception is a zero [`Duration`], which means
//!   the same thing in every unit.
//!
//! Parsing never panics, whatever the input.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

const NANOS_PER_MICRO: u64 = 1_000;
const NANOS_PER_MILLI: u64 = 1_000_000;
const NANOS_PER_SEC: u64 = 1_000_000_000;
const NANOS_PER_MIN: u64 = 60 * NANOS_PER_SEC;
const NANOS_PER_HOUR: u64 = 60 * NANOS_PER_MIN;

const KIB: u64 = 1 << 10;
const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// Which kind of quantity a string was meant to be; decides the wording of a [`UnitError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantity {
    Duration,
    ByteSize,
    Bandwidth,
    Rate,
    Percent,
}

impl Quantity {
    fn name(self) -> &'static str {
        match self {
            Quantity::Duration => "duration",
            Quantity::ByteSize => "byte size",
            Quantity::Bandwidth => "bandwidth",
            Quantity::Rate => "rate",
            Quantity::Percent => "percentage",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Quantity::Duration => "durations",
            Quantity::ByteSize => "byte sizes",
            Quantity::Bandwidth => "bandwidths",
            Quantity::Rate => "rates",
            Quantity::Percent => "percentages",
        }
    }

    /// What a valid input looks like, phrased to follow the word "expected".
    fn expected(self) -> &'static str {
        match self {
            Quantity::Duration => {
                r#"a number followed by one of ns, us, ms, s, m, h (e.g. "20ms", "1.5s")"#
            }
            Quantity::ByteSize => {
                r#"a number followed by one of B, KB (or kB), MB, GB, KiB, MiB, GiB (e.g. "180B", "1.5KiB")"#
            }
            Quantity::Bandwidth => {
                r#"a number followed by one of bit/s, kbit/s, Mbit/s, Gbit/s, bps, kbps, Mbps, Gbps, B/s, KB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s (e.g. "10Mbit/s", "1.5MB/s")"#
            }
            Quantity::Rate => {
                r#"a number, "/" and one of ms, s, sec, min, m, h (e.g. "10/s", "3/min", "0.5/s")"#
            }
            Quantity::Percent => {
                r#"a number from 0 to 100 with at most 4 decimal places, followed by "%" (e.g. "5%", "0.25%")"#
            }
        }
    }

    fn too_large(self) -> &'static str {
        match self {
            Quantity::Duration => {
                "value is too large (the maximum is 18446744073709551615ns, about 584 years)"
            }
            Quantity::ByteSize => "value is too large (the maximum is 18446744073709551615B)",
            Quantity::Bandwidth => "value is too large (the maximum is 18446744073709551615bit/s)",
            Quantity::Rate => "count is too large (at most 19 significant digits)",
            Quantity::Percent => "value is above 100%",
        }
    }

    fn too_fine(self) -> &'static str {
        match self {
            Quantity::Duration => "fraction finer than 1ns (durations are whole nanoseconds)",
            Quantity::ByteSize => "not a whole number of bytes",
            Quantity::Bandwidth => "not a whole number of bits per second",
            // Rates and percentages report `TooManyDecimals` instead; kept total for safety.
            Quantity::Rate | Quantity::Percent => "too many decimal places",
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What is wrong with a unit string. The full message, with the input and the list of
/// valid units, comes from [`UnitError`]'s `Display`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnitErrorKind {
    /// Nothing but whitespace.
    Empty,
    /// No number at the start, or a malformed one such as `1.2.3` or `.5`.
    MalformedNumber { number: String },
    /// A number with no unit after it (for a percentage: no `%`).
    MissingUnit,
    /// A unit that is not in the list; `suggestion` is set when the input differs from a
    /// valid unit only in letter case, or is a common alias such as `min` for durations.
    UnknownUnit {
        unit: String,
        suggestion: Option<&'static str>,
    },
    /// A leading minus sign.
    Negative,
    /// The value does not fit the integer representation.
    TooLarge,
    /// The value is not a whole number of the base unit (nanoseconds, bytes, bits/s).
    TooFine,
    /// More decimal places than the representation keeps exactly.
    TooManyDecimals { max: u32 },
    /// A percentage above 100%.
    OutOfRange,
    /// Not a number or an infinity (`.nan`, `.inf`, `-.inf`, `NaN`, `inf`): YAML's
    /// spellings, which the parser hands over as text where the type is open.
    NotFinite,
}

/// A unit string that could not be parsed: which quantity it was meant to be, the text
/// as written, and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitError {
    quantity: Quantity,
    input: String,
    kind: UnitErrorKind,
}

impl UnitError {
    fn new(quantity: Quantity, input: &str, kind: UnitErrorKind) -> Self {
        UnitError {
            quantity,
            input: input.to_owned(),
            kind,
        }
    }

    pub fn quantity(&self) -> Quantity {
        self.quantity
    }

    /// The text as the user wrote it.
    pub fn input(&self) -> &str {
        &self.input
    }

    pub fn kind(&self) -> &UnitErrorKind {
        &self.kind
    }
}

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let quantity = self.quantity;
        write!(f, "invalid {} {:?}: ", quantity.name(), self.input)?;
        match &self.kind {
            UnitErrorKind::Empty => f.write_str("empty value")?,
            UnitErrorKind::MalformedNumber { number } if number.is_empty() => {
                f.write_str("does not start with a number")?
            }
            UnitErrorKind::MalformedNumber { number } => write!(
                f,
                "malformed number {number:?} (write digits with at most one decimal point between them, e.g. 0.5)"
            )?,
            UnitErrorKind::MissingUnit => match quantity {
                Quantity::Percent => f.write_str(r#"missing "%" sign"#)?,
                Quantity::Rate => f.write_str(r#"missing unit ("/" and a time unit)"#)?,
                _ => f.write_str("missing unit")?,
            },
            UnitErrorKind::UnknownUnit { unit, suggestion } => {
                write!(f, "unknown unit {unit:?}")?;
                if let Some(suggestion) = suggestion {
                    write!(f, " (did you mean {suggestion:?}?)")?;
                }
            }
            UnitErrorKind::Negative => write!(f, "{} cannot be negative", quantity.plural())?,
            UnitErrorKind::TooLarge => f.write_str(quantity.too_large())?,
            UnitErrorKind::TooFine => f.write_str(quantity.too_fine())?,
            UnitErrorKind::TooManyDecimals { max } => write!(f, "more than {max} decimal places")?,
            UnitErrorKind::OutOfRange => {
                write!(f, "{} must be between 0% and 100%", quantity.plural())?
            }
            UnitErrorKind::NotFinite => {
                let what = if self.input.to_ascii_lowercase().contains("nan") {
                    "NaN (not a number)"
                } else {
                    "infinity"
                };
                write!(f, "must be a finite number, not {what}")?
            }
        }
        write!(f, "; expected {}", quantity.expected())
    }
}

impl std::error::Error for UnitError {}

// ---------------------------------------------------------------------------------------
// Lexing and exact decimal arithmetic shared by all quantities
// ---------------------------------------------------------------------------------------

/// A non-negative decimal as written: `integer.fraction_digits`, with trailing zeros of the
/// fraction removed so that `1.50` and `1.5` are the same value with the same digits.
#[derive(Clone, Copy, Debug)]
struct Decimal<'a> {
    integer: u128,
    fraction_digits: &'a str,
}

impl<'a> Decimal<'a> {
    fn parse(number: &'a str) -> Result<Self, UnitErrorKind> {
        let malformed = || UnitErrorKind::MalformedNumber {
            number: number.to_owned(),
        };
        let (integer_digits, fraction_digits) = match number.split_once('.') {
            Some((_, "")) => return Err(malformed()),
            Some((integer, fraction)) => (integer, fraction),
            None => (number, ""),
        };
        if integer_digits.is_empty() || fraction_digits.contains('.') {
            return Err(malformed());
        }
        let integer = parse_digits(integer_digits).ok_or(UnitErrorKind::TooLarge)?;
        Ok(Decimal {
            integer,
            fraction_digits: fraction_digits.trim_end_matches('0'),
        })
    }

    fn decimal_places(&self) -> usize {
        self.fraction_digits.len()
    }

    /// `self * factor` as an exact integer, or `TooFine` if the product has a fractional
    /// part.
    fn scale_exact(&self, factor: u64) -> Result<u128, UnitErrorKind> {
        let factor = u128::from(factor);
        let whole = self
            .integer
            .checked_mul(factor)
            .ok_or(UnitErrorKind::TooLarge)?;
        if self.fraction_digits.is_empty() {
            return Ok(whole);
        }
        // The trimmed fraction ends in a non-zero digit, so its numerator lacks a factor of
        // 2 or of 5; `10^places` then divides `numerator * factor` only if the factor
        // supplies 2^places or 5^places. No unit factor here has more than 33 factors of 2
        // or 11 of 5, so more than 38 places (where 10^places leaves u128) is always too
        // fine.
        let places =
            u32::try_from(self.fraction_digits.len()).map_err(|_| UnitErrorKind::TooFine)?;
        let denominator = 10u128.checked_pow(places).ok_or(UnitErrorKind::TooFine)?;
        let numerator = parse_digits(self.fraction_digits).ok_or(UnitErrorKind::TooFine)?;
        // Cancel common factors first so the product below cannot overflow: the reduced
        // `numerator / denominator` is below `common`, and `common * factor` is the
        // original (u64) factor.
        let common = gcd(factor, denominator);
        let (factor, denominator) = (factor / common, denominator / common);
        if numerator % denominator != 0 {
            return Err(UnitErrorKind::TooFine);
        }
        whole
            .checked_add(numerator / denominator * factor)
            .ok_or(UnitErrorKind::TooLarge)
    }

    /// The value times `10^places` as an integer, or `TooManyDecimals` if the input has
    /// more than `places` decimal places. `places` is small (at most 9 here).
    fn fixed_point(&self, places: u32) -> Result<u128, UnitErrorKind> {
        let too_many = UnitErrorKind::TooManyDecimals { max: places };
        let written = u32::try_from(self.fraction_digits.len()).map_err(|_| too_many.clone())?;
        let padding = places.checked_sub(written).ok_or(too_many)?;
        let fraction = parse_digits(self.fraction_digits).ok_or(UnitErrorKind::TooLarge)?;
        self.integer
            .checked_mul(10u128.pow(places))
            .and_then(|scaled| scaled.checked_add(fraction * 10u128.pow(padding)))
            .ok_or(UnitErrorKind::TooLarge)
    }
}

/// Value of a string of ASCII digits; `None` on overflow. The empty string is zero.
fn parse_digits(digits: &str) -> Option<u128> {
    digits.bytes().try_fold(0u128, |value, digit| {
        value
            .checked_mul(10)?
            .checked_add(u128::from(digit.checked_sub(b'0')?))
    })
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Splits trimmed input into its leading decimal number and the rest (the unit, with
/// leading whitespace removed so that `20 ms` reads like `20ms`).
fn lex(text: &str) -> Result<(Decimal<'_>, &str), UnitErrorKind> {
    if text.is_empty() {
        return Err(UnitErrorKind::Empty);
    }
    if starts_non_finite(text) {
        return Err(UnitErrorKind::NotFinite);
    }
    if let Some(rest) = text.strip_prefix('-')
        && rest.starts_with(|c: char| c.is_ascii_digit() || c == '.')
    {
        return Err(UnitErrorKind::Negative);
    }
    let number_end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(number_end);
    if number.is_empty() {
        return Err(UnitErrorKind::MalformedNumber {
            number: String::new(),
        });
    }
    Ok((Decimal::parse(number)?, unit.trim_start()))
}

/// Whether `text` starts with a spelling of not-a-number or infinity, as YAML (`.nan`,
/// `-.Inf`) or a programming language (`NaN`, `inf`, `Infinity`) writes it, followed by
/// nothing or a unit (`.inf/s`), but not by more letters (`info`).
fn starts_non_finite(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let bare = unsigned.strip_prefix('.').unwrap_or(unsigned);
    ["infinity", "nan", "inf"].iter().any(|word| {
        bare.get(..word.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(word))
            && !bare[word.len()..].starts_with(|c: char| c.is_ascii_alphabetic())
    })
}

/// Looks `unit` up in `table`. On a miss, suggests a unit that differs only in letter case
/// (but never across `b`/`B`, since bits and bytes differ by a factor of 8), or an entry of
/// `aliases`, a list of (commonly written, accepted) pairs.
fn lookup<T: Copy>(
    table: &[(&'static str, T)],
    aliases: &[(&'static str, &'static str)],
    unit: &str,
) -> Result<T, UnitErrorKind> {
    if let Some(&(_, value)) = table.iter().find(|(name, _)| *name == unit) {
        return Ok(value);
    }
    let same_but_case = |name: &str| {
        name.eq_ignore_ascii_case(unit)
            && name
                .bytes()
                .zip(unit.bytes())
                .all(|(a, b)| !a.eq_ignore_ascii_case(&b'b') || a == b)
    };
    let suggestion = table
        .iter()
        .map(|&(name, _)| name)
        .find(|name| same_but_case(name))
        .or_else(|| {
            aliases
                .iter()
                .find(|(alias, _)| alias.eq_ignore_ascii_case(unit))
                .map(|&(_, accepted)| accepted)
        });
    Err(UnitErrorKind::UnknownUnit {
        unit: unit.to_owned(),
        suggestion,
    })
}

fn to_u64(value: u128) -> Result<u64, UnitErrorKind> {
    u64::try_from(value).map_err(|_| UnitErrorKind::TooLarge)
}

/// Parses `<number><unit>` against `table`, scaling exactly to the base unit.
fn parse_scaled(
    text: &str,
    table: &[(&'static str, u64)],
    aliases: &[(&'static str, &'static str)],
) -> Result<u64, UnitErrorKind> {
    let (number, unit) = lex(text)?;
    if unit.is_empty() {
        return Err(UnitErrorKind::MissingUnit);
    }
    let factor = lookup(table, aliases, unit)?;
    to_u64(number.scale_exact(factor)?)
}

/// Writes `value` as a whole count of the first (largest) unit in `descending` that divides
/// it; the last unit must be the base unit (factor 1) so one always does.
fn write_largest_exact(
    f: &mut fmt::Formatter<'_>,
    value: u64,
    descending: &[(&str, u64)],
    zero: &str,
) -> fmt::Result {
    if value == 0 {
        return f.write_str(zero);
    }
    match descending
        .iter()
        .find(|&&(_, factor)| value.is_multiple_of(factor))
    {
        Some(&(unit, factor)) => write!(f, "{}{unit}", value / factor),
        None => write!(f, "{value}"),
    }
}

/// Writes `digits / 10^places` without trailing zeros in the fraction.
fn write_decimal(f: &mut fmt::Formatter<'_>, digits: u64, places: u32) -> fmt::Result {
    let Some(divisor) = 10u64.checked_pow(places) else {
        return write!(f, "{digits}");
    };
    let (integer, mut fraction) = (digits / divisor, digits % divisor);
    if fraction == 0 {
        return write!(f, "{integer}");
    }
    let mut width = places as usize;
    while fraction % 10 == 0 {
        fraction /= 10;
        width -= 1;
    }
    write!(f, "{integer}.{fraction:0width$}")
}

// ---------------------------------------------------------------------------------------
// Serde: every quantity is a string on the wire
// ---------------------------------------------------------------------------------------

/// Deserializes any quantity from a string. Integers and floats are routed through the
/// same parser as their decimal text, so `d: 0` is a zero duration while `payload: 180`
/// fails with the same "missing unit" message as `payload: "180"`. Errors are passed to
/// `de::Error::custom` verbatim so the deserializer can add its location.
struct UnitVisitor<T> {
    quantity: Quantity,
    target: PhantomData<T>,
}

impl<T> UnitVisitor<T> {
    fn new(quantity: Quantity) -> Self {
        UnitVisitor {
            quantity,
            target: PhantomData,
        }
    }
}

impl<T: FromStr<Err = UnitError>> Visitor<'_> for UnitVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a {} string: {}",
            self.quantity.name(),
            self.quantity.expected()
        )
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        text.parse().map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
        self.visit_str(&value.to_string())
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
        self.visit_str(&value.to_string())
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<T, E> {
        // Debug keeps the decimal point (`0.0`, not `0`), so a float never passes for the
        // bare-zero duration, which is the integer literal only.
        self.visit_str(&format!("{value:?}"))
    }
}

macro_rules! serde_as_string {
    ($ty:ident, $quantity:expr) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(UnitVisitor::<$ty>::new($quantity))
            }
        }
    };
}

// ---------------------------------------------------------------------------------------
// Duration
// ---------------------------------------------------------------------------------------

/// A span of simulated time in nanoseconds.
///
/// Written as a number and one of `ns`, `us` (or `µs`), `ms`, `s`, `m` (minutes), `h`,
/// with optional decimals and optional space: `20ms`, `1.5s`, `20 ms`. A bare `0` is
/// accepted as zero; any other bare number is an error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub u64);

const DURATION_UNITS: &[(&str, u64)] = &[
    ("ns", 1),
    ("us", NANOS_PER_MICRO),
    ("µs", NANOS_PER_MICRO), // U+00B5 MICRO SIGN
    ("μs", NANOS_PER_MICRO), // U+03BC GREEK SMALL LETTER MU, what most keyboards produce
    ("ms", NANOS_PER_MILLI),
    ("s", NANOS_PER_SEC),
    ("m", NANOS_PER_MIN),
    ("h", NANOS_PER_HOUR),
];

const DURATION_ALIASES: &[(&str, &str)] = &[
    ("min", "m"),
    ("mins", "m"),
    ("sec", "s"),
    ("secs", "s"),
    ("hr", "h"),
    ("hrs", "h"),
    ("msec", "ms"),
    ("usec", "us"),
    ("nsec", "ns"),
];

const DURATION_DISPLAY: &[(&str, u64)] = &[
    ("h", NANOS_PER_HOUR),
    ("m", NANOS_PER_MIN),
    ("s", NANOS_PER_SEC),
    ("ms", NANOS_PER_MILLI),
    ("us", NANOS_PER_MICRO),
    ("ns", 1),
];

impl Duration {
    pub const ZERO: Duration = Duration(0);
    pub const MAX: Duration = Duration(u64::MAX);

    pub const fn from_nanos(nanos: u64) -> Self {
        Duration(nanos)
    }

    /// Saturates at [`Duration::MAX`] (about 584 years) rather than overflowing.
    pub const fn from_micros(micros: u64) -> Self {
        Duration(micros.saturating_mul(NANOS_PER_MICRO))
    }

    /// Saturates at [`Duration::MAX`] (about 584 years) rather than overflowing.
    pub const fn from_millis(millis: u64) -> Self {
        Duration(millis.saturating_mul(NANOS_PER_MILLI))
    }

    /// Saturates at [`Duration::MAX`] (about 584 years) rather than overflowing.
    pub const fn from_secs(secs: u64) -> Self {
        Duration(secs.saturating_mul(NANOS_PER_SEC))
    }

    pub const fn as_nanos(self) -> u64 {
        self.0
    }
}

impl FromStr for Duration {
    type Err = UnitError;

    fn from_str(input: &str) -> Result<Self, UnitError> {
        let text = input.trim();
        // Zero is zero in every unit, and `timeout: 0` is too natural to reject.
        if text == "0" {
            return Ok(Duration::ZERO);
        }
        parse_scaled(text, DURATION_UNITS, DURATION_ALIASES)
            .map(Duration)
            .map_err(|kind| UnitError::new(Quantity::Duration, input, kind))
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_largest_exact(f, self.0, DURATION_DISPLAY, "0s")
    }
}

serde_as_string!(Duration, Quantity::Duration);

// ---------------------------------------------------------------------------------------
// ByteSize
// ---------------------------------------------------------------------------------------

/// An amount of data in bytes.
///
/// Written as a number and one of `B`, `KB` (or `kB`), `MB`, `GB` (powers of 1000) or
/// `KiB`, `MiB`, `GiB` (powers of 1024). Decimals are allowed when the result is a whole
/// number of bytes: `1.5KiB` is 1536, `0.3B` is an error. A bare number is an error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteSize(pub u64);

const BYTE_UNITS: &[(&str, u64)] = &[
    ("B", 1),
    ("KB", 1_000),
    ("kB", 1_000),
    ("MB", 1_000_000),
    ("GB", 1_000_000_000),
    ("KiB", KIB),
    ("MiB", MIB),
    ("GiB", GIB),
];

// Larger units first, binary before decimal at each step because 2^10k > 10^3k.
const BYTE_DISPLAY: &[(&str, u64)] = &[
    ("GiB", GIB),
    ("GB", 1_000_000_000),
    ("MiB", MIB),
    ("MB", 1_000_000),
    ("KiB", KIB),
    ("KB", 1_000),
    ("B", 1),
];

impl ByteSize {
    pub const fn bytes(self) -> u64 {
        self.0
    }
}

impl FromStr for ByteSize {
    type Err = UnitError;

    fn from_str(input: &str) -> Result<Self, UnitError> {
        parse_scaled(input.trim(), BYTE_UNITS, &[])
            .map(ByteSize)
            .map_err(|kind| UnitError::new(Quantity::ByteSize, input, kind))
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_largest_exact(f, self.0, BYTE_DISPLAY, "0B")
    }
}

serde_as_string!(ByteSize, Quantity::ByteSize);

// ---------------------------------------------------------------------------------------
// Bandwidth
// ---------------------------------------------------------------------------------------

/// A link or pacing rate in bits per second.
///
/// Written in bits (`bit/s`, `kbit/s`, `Mbit/s`, `Gbit/s`, or `bps`, `kbps`, `Mbps`,
/// `Gbps`; powers of 1000) or bytes (`B/s`, `KB/s`, `MB/s`, `GB/s` in powers of 1000,
/// `KiB/s`, `MiB/s`, `GiB/s` in powers of 1024; times 8). Zero parses; callers that
/// need a usable link check that the bandwidth is positive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bandwidth(pub u64);

const BANDWIDTH_UNITS: &[(&str, u64)] = &[
    ("bit/s", 1),
    ("kbit/s", 1_000),
    ("Mbit/s", 1_000_000),
    ("Gbit/s", 1_000_000_000),
    ("bps", 1),
    ("kbps", 1_000),
    ("Mbps", 1_000_000),
    ("Gbps", 1_000_000_000),
    ("B/s", 8),
    ("KB/s", 8_000),
    ("kB/s", 8_000),
    ("MB/s", 8_000_000),
    ("GB/s", 8_000_000_000),
    ("KiB/s", 8 * KIB),
    ("MiB/s", 8 * MIB),
    ("GiB/s", 8 * GIB),
];

const BANDWIDTH_DISPLAY: &[(&str, u64)] = &[
    ("Gbit/s", 1_000_000_000),
    ("Mbit/s", 1_000_000),
    ("kbit/s", 1_000),
    ("bit/s", 1),
];

impl Bandwidth {
    pub const fn bits_per_second(self) -> u64 {
        self.0
    }

    /// Nanoseconds needed to put `bytes` on the wire at this rate, rounded up so that a
    /// non-empty transfer never takes zero time: `ceil(bytes * 8 * 1e9 / bits_per_second)`,
    /// computed exactly in 128-bit integers and saturating at `u64::MAX`.
    ///
    /// A zero bandwidth is a configuration error that callers reject during validation;
    /// here it yields `u64::MAX` ("never") instead of dividing by zero.
    pub fn serialization_ns(&self, bytes: u64) -> u64 {
        if self.0 == 0 {
            return u64::MAX;
        }
        // At most (2^64 - 1) * 8e9 < 2^97: cannot overflow u128.
        let bit_nanos = u128::from(bytes) * 8 * u128::from(NANOS_PER_SEC);
        let nanos = bit_nanos.div_ceil(u128::from(self.0));
        u64::try_from(nanos).unwrap_or(u64::MAX)
    }
}

impl FromStr for Bandwidth {
    type Err = UnitError;

    fn from_str(input: &str) -> Result<Self, UnitError> {
        parse_scaled(input.trim(), BANDWIDTH_UNITS, &[])
            .map(Bandwidth)
            .map_err(|kind| UnitError::new(Quantity::Bandwidth, input, kind))
    }
}

impl fmt::Display for Bandwidth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_largest_exact(f, self.0, BANDWIDTH_DISPLAY, "0bit/s")
    }
}

serde_as_string!(Bandwidth, Quantity::Bandwidth);

// ---------------------------------------------------------------------------------------
// Rate
// ---------------------------------------------------------------------------------------

/// The time unit a [`Rate`] counts events per.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RatePer {
    Millisecond,
    Second,
    Minute,
    Hour,
}

impl RatePer {
    pub const fn nanos(self) -> u64 {
        match self {
            RatePer::Millisecond => NANOS_PER_MILLI,
            RatePer::Second => NANOS_PER_SEC,
            RatePer::Minute => NANOS_PER_MIN,
            RatePer::Hour => NANOS_PER_HOUR,
        }
    }

    const fn millis(self) -> u64 {
        self.nanos() / NANOS_PER_MILLI
    }

    /// The canonical spelling, written after the `/`.
    pub const fn symbol(self) -> &'static str {
        match self {
            RatePer::Millisecond => "ms",
            RatePer::Second => "s",
            RatePer::Minute => "min",
            RatePer::Hour => "h",
        }
    }
}

const RATE_UNITS: &[(&str, RatePer)] = &[
    ("ms", RatePer::Millisecond),
    ("s", RatePer::Second),
    ("sec", RatePer::Second),
    ("min", RatePer::Minute),
    ("m", RatePer::Minute),
    ("h", RatePer::Hour),
];

/// Most decimal places a rate's count keeps; enough for one event per ~32 years per hour.
const RATE_MAX_DECIMALS: u32 = 9;

/// How often something happens: a count of events per time unit, such as `10/s`,
/// `3/min`, `0.5/s` or `2/ms` (`sec` and `m` are accepted for `s` and `min`).
///
/// The count is kept exactly as a decimal (up to 9 places) together with the unit as
/// written, so `Display` gives back the user's form (`3/min` stays `3/min`, not
/// `0.05/s`) and round trips are exact. Comparison is by value: `60/min == 1/s`.
/// Floating point appears only in [`Rate::per_second`], for samplers that need it.
#[derive(Clone, Copy, Debug)]
pub struct Rate {
    /// The count scaled by `10^decimals`; `decimals` is minimal (no trailing zeros).
    count_digits: u64,
    decimals: u32,
    per: RatePer,
}

impl Rate {
    pub const fn new(count: u64, per: RatePer) -> Self {
        Rate {
            count_digits: count,
            decimals: 0,
            per,
        }
    }

    pub const fn is_zero(&self) -> bool {
        self.count_digits == 0
    }

    pub const fn per(&self) -> RatePer {
        self.per
    }

    /// Events per second. Exact for whole per-second and per-millisecond counts; otherwise
    /// the nearest `f64` to one correctly rounded division.
    pub fn per_second(&self) -> f64 {
        // count / (10^decimals * per) with `per` in milliseconds, times 1000 ms/s. Both
        // operands are exact in f64 for all counts below 2^53.
        let numerator = self.count_digits as f64 * 1_000.0;
        let denominator = 10u64.pow(self.decimals) as f64 * self.per.millis() as f64;
        numerator / denominator
    }

    /// Mean time between events in nanoseconds, rounded to the nearest nanosecond and
    /// never below 1 (so a sampler can always make progress); saturates at `u64::MAX`.
    /// `None` for a zero rate, which never fires.
    pub fn mean_interval_ns(&self) -> Option<u64> {
        if self.count_digits == 0 {
            return None;
        }
        // per_ns * 10^decimals <= 3.6e12 * 1e9 < 2^72: cannot overflow u128.
        let span_ns = u128::from(self.per.nanos()) * 10u128.pow(self.decimals);
        let count = u128::from(self.count_digits);
        let interval = (span_ns + count / 2) / count;
        Some(u64::try_from(interval).unwrap_or(u64::MAX).max(1))
    }

    /// Events per millisecond as the exact fraction `numerator / denominator`, for
    /// comparing rates written in different units.
    fn per_milli_fraction(&self) -> (u128, u128) {
        (
            u128::from(self.count_digits),
            10u128.pow(self.decimals) * u128::from(self.per.millis()),
        )
    }
}

impl PartialEq for Rate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Rate {}

impl PartialOrd for Rate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // Cross-multiplied fractions: counts < 2^64, denominators <= 1e9 * 3.6e6 < 2^52,
        // so each product stays below 2^116.
        let (a_num, a_den) = self.per_milli_fraction();
        let (b_num, b_den) = other.per_milli_fraction();
        (a_num * b_den).cmp(&(b_num * a_den))
    }
}

impl FromStr for Rate {
    type Err = UnitError;

    fn from_str(input: &str) -> Result<Self, UnitError> {
        parse_rate(input.trim()).map_err(|kind| UnitError::new(Quantity::Rate, input, kind))
    }
}

fn parse_rate(text: &str) -> Result<Rate, UnitErrorKind> {
    let (count, rest) = lex(text)?;
    if rest.is_empty() {
        return Err(UnitErrorKind::MissingUnit);
    }
    let Some(unit) = rest.strip_prefix('/') else {
        return Err(UnitErrorKind::UnknownUnit {
            unit: rest.to_owned(),
            suggestion: None,
        });
    };
    let unit = unit.trim_start();
    if unit.is_empty() {
        return Err(UnitErrorKind::MissingUnit);
    }
    let per = lookup(RATE_UNITS, &[], unit)?;
    // `lex` trimmed trailing zeros, so this scale is minimal and Display is canonical.
    let decimals = u32::try_from(count.decimal_places())
        .ok()
        .filter(|&places| places <= RATE_MAX_DECIMALS)
        .ok_or(UnitErrorKind::TooManyDecimals {
            max: RATE_MAX_DECIMALS,
        })?;
    let count_digits = to_u64(count.fixed_point(decimals)?)?;
    Ok(Rate {
        count_digits,
        decimals,
        per,
    })
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_decimal(f, self.count_digits, self.decimals)?;
        write!(f, "/{}", self.per.symbol())
    }
}

serde_as_string!(Rate, Quantity::Rate);

// ---------------------------------------------------------------------------------------
// Percent
// ---------------------------------------------------------------------------------------

/// Parts per million in one percent.
const PPM_PER_PERCENT: u32 = 10_000;
const PERCENT_MAX_DECIMALS: u32 = 4;

/// A proportion from 0% to 100%, kept exactly in parts per million.
///
/// Written as a number with at most 4 decimal places followed by `%`: `5%`, `0.25%`,
/// `99.9999%`. The `%` is required, so `0.5` (a fraction?) and `50` are both errors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent {
    /// Invariant: at most 1_000_000 (100%).
    parts_per_million: u32,
}

impl Percent {
    pub const ZERO: Percent = Percent {
        parts_per_million: 0,
    };
    pub const HUNDRED: Percent = Percent {
        parts_per_million: 100 * PPM_PER_PERCENT,
    };

    /// `None` above 1_000_000 (100%).
    pub const fn from_parts_per_million(parts_per_million: u32) -> Option<Self> {
        if parts_per_million <= Percent::HUNDRED.parts_per_million {
            Some(Percent { parts_per_million })
        } else {
            None
        }
    }

    pub const fn parts_per_million(self) -> u32 {
        self.parts_per_million
    }

    /// The proportion as a fraction in `0.0..=1.0`: `50%` is `0.5`.
    pub fn fraction(self) -> f64 {
        f64::from(self.parts_per_million) / 1_000_000.0
    }
}

impl FromStr for Percent {
    type Err = UnitError;

    fn from_str(input: &str) -> Result<Self, UnitError> {
        parse_percent(input.trim()).map_err(|kind| UnitError::new(Quantity::Percent, input, kind))
    }
}

fn parse_percent(text: &str) -> Result<Percent, UnitErrorKind> {
    // A number too long for u128 is certainly above 100%.
    let (number, unit) = lex(text).map_err(|kind| match kind {
        UnitErrorKind::TooLarge => UnitErrorKind::OutOfRange,
        other => other,
    })?;
    match unit {
        "%" => {}
        "" => return Err(UnitErrorKind::MissingUnit),
        other => {
            return Err(UnitErrorKind::UnknownUnit {
                unit: other.to_owned(),
                suggestion: None,
            });
        }
    }
    // Range first, so `250.12345%` reports the range rather than the decimals.
    if number.integer > 100 || (number.integer == 100 && number.decimal_places() > 0) {
        return Err(UnitErrorKind::OutOfRange);
    }
    let parts_per_million = number.fixed_point(PERCENT_MAX_DECIMALS)?;
    u32::try_from(parts_per_million)
        .ok()
        .and_then(Percent::from_parts_per_million)
        .ok_or(UnitErrorKind::OutOfRange)
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_decimal(f, u64::from(self.parts_per_million), PERCENT_MAX_DECIMALS)?;
        f.write_str("%")
    }
}

serde_as_string!(Percent, Quantity::Percent);

// ---------------------------------------------------------------------------------------
// Patterns: the written forms, for the JSON Schema
// ---------------------------------------------------------------------------------------

/// Whitespace as [`str::trim`] removes it (Unicode `White_Space`), in a notation that
/// ECMA-262 (JSON Schema's regular expressions) and the `regex` crate read alike.
const PATTERN_SPACE: &str =
    r"[\t-\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";
/// A number as [`lex`] and [`Decimal::parse`] take it: digits, and a fraction after a
/// single point (no sign, no exponent, no leading or trailing point).
const PATTERN_NUMBER: &str = r"[0-9]+(\.[0-9]+)?";

impl Quantity {
    /// The regular expression (ECMA-262, anchored) of every text this quantity's parser
    /// accepts the form of: surrounding whitespace, a number, optional spaces and a unit of
    /// the parser's own table (for a duration also a bare `0`). A text it matches is
    /// refused only for its value: a fraction finer than the base unit (`0.3B`,
    /// `1.0000000001s`), more decimals than a rate or percentage keeps, a value above 100 %
    /// or too large for 64 bits. A text it does not match is refused for its form.
    pub fn pattern(self) -> String {
        let units = |table: &[&str]| table.join("|");
        let names = |table: &[(&'static str, u64)]| -> Vec<&'static str> {
            table.iter().map(|(name, _)| *name).collect()
        };
        let (space, number) = (PATTERN_SPACE, PATTERN_NUMBER);
        match self {
            Quantity::Duration => format!(
                "^{space}*(0|{number}{space}*({})){space}*$",
                units(&names(DURATION_UNITS))
            ),
            Quantity::ByteSize => format!(
                "^{space}*{number}{space}*({}){space}*$",
                units(&names(BYTE_UNITS))
            ),
            Quantity::Bandwidth => format!(
                "^{space}*{number}{space}*({}){space}*$",
                units(&names(BANDWIDTH_UNITS))
            ),
            Quantity::Rate => {
                let per: Vec<&str> = RATE_UNITS.iter().map(|(name, _)| *name).collect();
                format!(
                    "^{space}*{number}{space}*/{space}*({}){space}*$",
                    units(&per)
                )
            }
            Quantity::Percent => format!("^{space}*{number}{space}*%{space}*$"),
        }
    }
}

/// JSON Schema of the unit types: strings of a number and a unit, as the parsers take them,
/// with the [pattern](Quantity::pattern) of their written forms. A duration may also be the
/// number `0` (a bare zero is the only number a unit field takes).
mod schema {
    use std::borrow::Cow;

    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

    use super::Quantity;

    macro_rules! unit_schema {
        ($ty:ty, $quantity:expr, $name:literal, $description:literal, $examples:expr) => {
            impl JsonSchema for $ty {
                fn schema_name() -> Cow<'static, str> {
                    $name.into()
                }

                fn json_schema(_: &mut SchemaGenerator) -> Schema {
                    let mut schema = json_schema!({
                        "type": "string",
                        "description": $description,
                        "pattern": $quantity.pattern(),
                        "examples": $examples,
                    });
                    if $quantity == Quantity::Duration {
                        // `0`, the number: `type` admits integers, and the bounds pin them
                        // to zero (`pattern` applies to strings only).
                        schema.insert("type".into(), serde_json::json!(["string", "integer"]));
                        schema.insert("minimum".into(), 0.into());
                        schema.insert("maximum".into(), 0.into());
                    }
                    schema
                }
            }
        };
    }

    unit_schema!(
        super::Duration,
        Quantity::Duration,
        "Duration",
        "A duration: a number and one of ns, us, ms, s, m, h (a bare 0 is allowed).",
        ["20ms", "1.5s", "5m"]
    );
    unit_schema!(
        super::ByteSize,
        Quantity::ByteSize,
        "ByteSize",
        "A size: a number and one of B, KB, MB, GB (powers of 1000), KiB, MiB, GiB (powers of 1024).",
        ["180B", "32KiB", "5MB"]
    );
    unit_schema!(
        super::Bandwidth,
        Quantity::Bandwidth,
        "Bandwidth",
        "A bandwidth: a number and one of bit/s, kbit/s, Mbit/s, Gbit/s (also bps, kbps, Mbps, Gbps) or B/s, KB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s.",
        ["50Mbit/s", "10Mbps", "1MB/s"]
    );
    unit_schema!(
        super::Rate,
        Quantity::Rate,
        "Rate",
        "A rate: a number, / and one of ms, s, sec, min, m, h.",
        ["2/s", "3/min", "100/h"]
    );
    unit_schema!(
        super::Percent,
        Quantity::Percent,
        "Percent",
        "A percentage from 0% to 100%, at most four decimals.",
        ["0%", "2%", "0.5%"]
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn duration(text: &str) -> u64 {
        match text.parse::<Duration>() {
            Ok(parsed) => parsed.as_nanos(),
            Err(error) => panic!("{text:?} should parse: {error}"),
        }
    }

    fn bytes(text: &str) -> u64 {
        match text.parse::<ByteSize>() {
            Ok(parsed) => parsed.bytes(),
            Err(error) => panic!("{text:?} should parse: {error}"),
        }
    }

    fn bits_per_second(text: &str) -> u64 {
        match text.parse::<Bandwidth>() {
            Ok(parsed) => parsed.bits_per_second(),
            Err(error) => panic!("{text:?} should parse: {error}"),
        }
    }

    fn rate(text: &str) -> Rate {
        match text.parse::<Rate>() {
            Ok(parsed) => parsed,
            Err(error) => panic!("{text:?} should parse: {error}"),
        }
    }

    fn ppm(text: &str) -> u32 {
        match text.parse::<Percent>() {
            Ok(parsed) => parsed.parts_per_million(),
            Err(error) => panic!("{text:?} should parse: {error}"),
        }
    }

    /// The error for `text`, which must fail to parse as `T`.
    fn error<T: FromStr<Err = UnitError> + fmt::Debug>(text: &str) -> UnitError {
        match text.parse::<T>() {
            Ok(parsed) => panic!("{text:?} should fail, parsed as {parsed:?}"),
            Err(error) => error,
        }
    }

    fn assert_round_trip<T>(value: T)
    where
        T: FromStr<Err = UnitError> + fmt::Display + fmt::Debug + PartialEq,
    {
        let text = value.to_string();
        match text.parse::<T>() {
            Ok(parsed) => assert_eq!(parsed, value, "{text:?} parsed back differently"),
            Err(error) => panic!("canonical {text:?} of {value:?} does not parse: {error}"),
        }
    }

    /// Values that exercise every unit boundary: multiples of each factor, neighbours of
    /// powers of 2 and 10, primes and the extremes.
    fn interesting_values(factors: &[u64]) -> Vec<u64> {
        let mut values = vec![0, 1, 2, 7, 999, 1_001, 1_023, 1_025, 65_537, u64::MAX];
        values.extend([u64::MAX - 1, u64::MAX / 2, 1 << 63, 18_446_744_073]);
        for &factor in factors {
            for multiplier in [1, 2, 3, 10, 59, 60, 61, 999, 1_000, 1_024, 1_500, 3_600] {
                if let Some(value) = factor.checked_mul(multiplier) {
                    values.extend([value, value - 1, value + 1]);
                }
            }
        }
        for exponent in 0..64 {
            values.push(1 << exponent);
        }
        for exponent in 0..20 {
            values.push(10u64.pow(exponent));
        }
        values
    }

    // --- Duration ------------------------------------------------------------------------

    #[test]
    fn duration_every_unit() {
        assert_eq!(duration("7ns"), 7);
        assert_eq!(duration("7us"), 7_000);
        assert_eq!(duration("7µs"), 7_000);
        assert_eq!(duration("7μs"), 7_000);
        assert_eq!(duration("7ms"), 7_000_000);
        assert_eq!(duration("7s"), 7_000_000_000);
        assert_eq!(duration("7m"), 420_000_000_000);
        assert_eq!(duration("7h"), 25_200_000_000_000);
    }

    #[test]
    fn duration_decimals_are_exact() {
        assert_eq!(duration("1.5s"), 1_500_000_000);
        assert_eq!(duration("0.25ms"), 250_000);
        assert_eq!(duration("0.001us"), 1);
        assert_eq!(duration("1.000000001s"), 1_000_000_001);
        assert_eq!(duration("2.5h"), 9_000_000_000_000);
        assert_eq!(duration("0.1m"), 6_000_000_000);
        // 0.1 and 0.2 are not exact in binary; here they must add up exactly.
        assert_eq!(duration("0.3s"), duration("0.1s") + duration("0.2s"));
        assert_eq!(
            duration("1.50000000000000000000000000000000000000000s"),
            1_500_000_000
        );
        assert_eq!(duration("0000012ms"), 12_000_000);
    }

    #[test]
    fn duration_whitespace_and_zero() {
        assert_eq!(duration("20 ms"), 20_000_000);
        assert_eq!(duration("  20ms \n"), 20_000_000);
        assert_eq!(duration("20\tms"), 20_000_000);
        assert_eq!(duration("0"), 0);
        assert_eq!(duration(" 0 "), 0);
        assert_eq!(duration("0s"), 0);
        assert_eq!(duration("0.000ms"), 0);
    }

    #[test]
    fn duration_limits() {
        assert_eq!(duration("18446744073709551615ns"), u64::MAX);
        // u64::MAX ns is 18446744073.709551615 s.
        assert_eq!(duration("18446744073.709551615s"), u64::MAX);
        assert_eq!(
            error::<Duration>("18446744073.709551616s").kind(),
            &UnitErrorKind::TooLarge
        );
        assert_eq!(
            error::<Duration>("18446744073709551616ns").kind(),
            &UnitErrorKind::TooLarge
        );
        assert_eq!(
            error::<Duration>("5124096h").kind(),
            &UnitErrorKind::TooLarge
        );
        let many_digits = format!("{}s", "9".repeat(60));
        assert_eq!(
            error::<Duration>(&many_digits).kind(),
            &UnitErrorKind::TooLarge
        );
    }

    #[test]
    fn duration_constructors() {
        assert_eq!(Duration::from_nanos(5).as_nanos(), 5);
        assert_eq!(Duration::from_micros(5).as_nanos(), 5_000);
        assert_eq!(Duration::from_millis(5).as_nanos(), 5_000_000);
        assert_eq!(Duration::from_secs(5).as_nanos(), 5_000_000_000);
        assert_eq!(Duration::from_secs(u64::MAX), Duration::MAX);
        assert_eq!(Duration::default(), Duration::ZERO);
        assert!(Duration::from_millis(1) < Duration::from_secs(1));
    }

    #[test]
    fn duration_display_uses_largest_exact_unit() {
        let cases = [
            (0, "0s"),
            (1, "1ns"),
            (1_000, "1us"),
            (1_500, "1500ns"),
            (1_000_000, "1ms"),
            (1_500_000_000, "1500ms"),
            (2_000_000_000, "2s"),
            (90_000_000_000, "90s"),
            (60_000_000_000, "1m"),
            (5_400_000_000_000, "90m"),
            (3_600_000_000_000, "1h"),
            (u64::MAX, "18446744073709551615ns"),
        ];
        for (nanos, text) in cases {
            assert_eq!(Duration(nanos).to_string(), text);
        }
    }

    #[test]
    fn duration_display_round_trips() {
        let factors: Vec<u64> = DURATION_DISPLAY.iter().map(|&(_, factor)| factor).collect();
        for nanos in interesting_values(&factors) {
            assert_round_trip(Duration(nanos));
        }
    }

    #[test]
    fn duration_error_messages() {
        assert_eq!(
            error::<Duration>("20 parsecs").to_string(),
            r#"invalid duration "20 parsecs": unknown unit "parsecs"; expected a number followed by one of ns, us, ms, s, m, h (e.g. "20ms", "1.5s")"#
        );
        let cases = [
            ("5", "missing unit"),
            ("1.5", "missing unit"),
            ("-5ms", "durations cannot be negative"),
            ("-0.5s", "durations cannot be negative"),
            (
                "18446744073709551616ns",
                "value is too large (the maximum is 18446744073709551615ns",
            ),
            ("1.0000000001s", "fraction finer than 1ns"),
            ("0.5ns", "fraction finer than 1ns"),
            ("", "empty value"),
            ("   ", "empty value"),
            ("ms", "does not start with a number"),
            ("abc", "does not start with a number"),
            ("+5ms", "does not start with a number"),
            ("1.2.3s", r#"malformed number "1.2.3""#),
            (".5s", r#"malformed number ".5""#),
            ("5.s", r#"malformed number "5.""#),
            ("20MS", r#"unknown unit "MS" (did you mean "ms"?)"#),
            ("5min", r#"unknown unit "min" (did you mean "m"?)"#),
            ("5 sec", r#"unknown unit "sec" (did you mean "s"?)"#),
            ("1e3ms", r#"unknown unit "e3ms""#),
            ("5 m s", r#"unknown unit "m s""#),
        ];
        for (input, expected) in cases {
            let message = error::<Duration>(input).to_string();
            assert!(
                message.starts_with(&format!("invalid duration {input:?}: {expected}")),
                "{input:?}: {message}"
            );
            assert!(message.ends_with(
                r#"expected a number followed by one of ns, us, ms, s, m, h (e.g. "20ms", "1.5s")"#
            ));
        }
    }

    #[test]
    fn error_accessors() {
        let error = error::<Duration>(" 20 parsecs");
        assert_eq!(error.quantity(), Quantity::Duration);
        assert_eq!(error.input(), " 20 parsecs");
        assert_eq!(
            error.kind(),
            &UnitErrorKind::UnknownUnit {
                unit: "parsecs".to_owned(),
                suggestion: None
            }
        );
        let boxed: Box<dyn std::error::Error> = Box::new(error);
        assert!(boxed.to_string().contains("parsecs"));
    }

    /// YAML's `.nan` and `.inf` reach a quantity as text (the parser's policy); each is
    /// refused as not finite, in the quantity's own words, never as "no number".
    #[test]
    fn non_finite_values_are_refused_as_such() {
        for text in [
            ".nan", ".NaN", "-.inf", "+.Inf", ".INF", "nan", "inf", "Infinity",
        ] {
            let error = error::<Duration>(text);
            assert_eq!(error.kind(), &UnitErrorKind::NotFinite, "{text}");
            assert!(
                error.to_string().contains("must be a finite number"),
                "{error}"
            );
        }
        assert!(error::<Rate>(".inf/s").to_string().contains("not infinity"));
        assert!(error::<ByteSize>(".nan").to_string().contains("not NaN"));
        assert_eq!(error::<Percent>(".nan%").kind(), &UnitErrorKind::NotFinite);
        // A word that merely starts like one is not a number at all.
        assert_ne!(error::<Duration>("info").kind(), &UnitErrorKind::NotFinite);
    }

    // --- ByteSize ------------------------------------------------------------------------

    #[test]
    fn byte_size_every_unit() {
        assert_eq!(bytes("3B"), 3);
        assert_eq!(bytes("3KB"), 3_000);
        assert_eq!(bytes("3kB"), 3_000);
        assert_eq!(bytes("3MB"), 3_000_000);
        assert_eq!(bytes("3GB"), 3_000_000_000);
        assert_eq!(bytes("3KiB"), 3 * 1024);
        assert_eq!(bytes("3MiB"), 3 * 1024 * 1024);
        assert_eq!(bytes("3GiB"), 3 * 1024 * 1024 * 1024);
        assert_eq!(bytes("180 B"), 180);
        assert_eq!(bytes("0B"), 0);
    }

    #[test]
    fn byte_size_decimals_are_exact() {
        assert_eq!(bytes("1.5KiB"), 1_536);
        assert_eq!(bytes("0.5KB"), 500);
        assert_eq!(bytes("2.5MB"), 2_500_000);
        assert_eq!(bytes("0.001KB"), 1);
        assert_eq!(bytes("0.25MiB"), 262_144);
        // 2^-30 GiB is exactly one byte, with 30 decimal places.
        assert_eq!(bytes("0.000000000931322574615478515625GiB"), 1);
        for (input, kind) in [
            ("0.3B", UnitErrorKind::TooFine),
            ("1.5B", UnitErrorKind::TooFine),
            ("0.0001KB", UnitErrorKind::TooFine),
            ("0.0001KiB", UnitErrorKind::TooFine),
            (
                "0.0000000009313225746154785156251GiB",
                UnitErrorKind::TooFine,
            ),
            ("18446744073709551616B", UnitErrorKind::TooLarge),
            ("17179869184GiB", UnitErrorKind::TooLarge),
        ] {
            assert_eq!(error::<ByteSize>(input).kind(), &kind, "{input:?}");
        }
        assert!(
            error::<ByteSize>("0.3B")
                .to_string()
                .contains("not a whole number of bytes")
        );
    }

    #[test]
    fn byte_size_requires_a_unit() {
        let message = error::<ByteSize>("180").to_string();
        assert_eq!(
            message,
            r#"invalid byte size "180": missing unit; expected a number followed by one of B, KB (or kB), MB, GB, KiB, MiB, GiB (e.g. "180B", "1.5KiB")"#
        );
        // `kb` could be kilobits: no case-insensitive suggestion across b/B.
        assert_eq!(
            error::<ByteSize>("1kb").kind(),
            &UnitErrorKind::UnknownUnit {
                unit: "kb".to_owned(),
                suggestion: None
            }
        );
        assert_eq!(
            error::<ByteSize>("1kiB").kind(),
            &UnitErrorKind::UnknownUnit {
                unit: "kiB".to_owned(),
                suggestion: Some("KiB")
            }
        );
        assert_eq!(error::<ByteSize>("-1B").kind(), &UnitErrorKind::Negative);
        assert!(
            error::<ByteSize>("-1B")
                .to_string()
                .contains("byte sizes cannot be negative")
        );
    }

    #[test]
    fn byte_size_display() {
        let cases = [
            (0, "0B"),
            (1, "1B"),
            (1_000, "1KB"),
            (1_024, "1KiB"),
            (1_536, "1536B"),
            (1_000_000, "1MB"),
            (1_048_576, "1MiB"),
            (2_000_000_000, "2GB"),
            (3 * GIB, "3GiB"),
            (1_024_000, "1000KiB"),
        ];
        for (value, text) in cases {
            assert_eq!(ByteSize(value).to_string(), text);
        }
        let factors: Vec<u64> = BYTE_DISPLAY.iter().map(|&(_, factor)| factor).collect();
        for value in interesting_values(&factors) {
            assert_round_trip(ByteSize(value));
        }
    }

    // --- Bandwidth -----------------------------------------------------------------------

    #[test]
    fn bandwidth_every_unit() {
        let cases = [
            ("5bit/s", 5),
            ("5kbit/s", 5_000),
            ("5Mbit/s", 5_000_000),
            ("5Gbit/s", 5_000_000_000),
            ("5bps", 5),
            ("5kbps", 5_000),
            ("5Mbps", 5_000_000),
            ("5Gbps", 5_000_000_000),
            ("5B/s", 40),
            ("5KB/s", 40_000),
            ("5kB/s", 40_000),
            ("5MB/s", 40_000_000),
            ("5GB/s", 40_000_000_000),
            ("5KiB/s", 40 * KIB),
            ("5MiB/s", 40 * MIB),
            ("5GiB/s", 40 * GIB),
            ("10 Mbit/s", 10_000_000),
            ("0bit/s", 0),
        ];
        for (input, expected) in cases {
            assert_eq!(bits_per_second(input), expected, "{input:?}");
        }
    }

    #[test]
    fn bandwidth_decimals_and_errors() {
        assert_eq!(bits_per_second("1.5Mbit/s"), 1_500_000);
        assert_eq!(bits_per_second("0.125B/s"), 1);
        assert_eq!(bits_per_second("1.5KiB/s"), 12_288);
        assert_eq!(bits_per_second("2.5Gbps"), 2_500_000_000);
        assert_eq!(
            error::<Bandwidth>("0.1bit/s").kind(),
            &UnitErrorKind::TooFine
        );
        assert_eq!(
            error::<Bandwidth>("100").kind(),
            &UnitErrorKind::MissingUnit
        );
        assert_eq!(
            error::<Bandwidth>("-1Mbps").kind(),
            &UnitErrorKind::Negative
        );
        assert_eq!(
            error::<Bandwidth>("2305843009213693952B/s").kind(),
            &UnitErrorKind::TooLarge
        );
        assert_eq!(
            error::<Bandwidth>("10MBPS").kind(),
            &UnitErrorKind::UnknownUnit {
                unit: "MBPS".to_owned(),
                suggestion: None
            }
        );
        assert_eq!(
            error::<Bandwidth>("10mbit/s").kind(),
            &UnitErrorKind::UnknownUnit {
                unit: "mbit/s".to_owned(),
                suggestion: Some("Mbit/s")
            }
        );
        assert!(
            error::<Bandwidth>("0.1bit/s")
                .to_string()
                .contains("not a whole number of bits per second")
        );
    }

    #[test]
    fn bandwidth_display() {
        assert_eq!(Bandwidth(0).to_string(), "0bit/s");
        assert_eq!(Bandwidth(10_000_000).to_string(), "10Mbit/s");
        assert_eq!(Bandwidth(1_500_000).to_string(), "1500kbit/s");
        assert_eq!(Bandwidth(8 * MIB).to_string(), "8388608bit/s");
        let factors: Vec<u64> = BANDWIDTH_DISPLAY
            .iter()
            .map(|&(_, factor)| factor)
            .collect();
        for value in interesting_values(&factors) {
            assert_round_trip(Bandwidth(value));
        }
    }

    #[test]
    fn serialization_time_rounds_up() {
        // 1000 B = 8000 bit at 8 Mbit/s is exactly 1 ms.
        assert_eq!(Bandwidth(8_000_000).serialization_ns(1_000), 1_000_000);
        // 1 B at 3 bit/s is 8/3 s = 2.666...s, rounded up.
        assert_eq!(Bandwidth(3).serialization_ns(1), 2_666_666_667);
        assert_eq!(Bandwidth(1_000_000_000).serialization_ns(0), 0);
        // 1 B at 100 Gbit/s is 0.08 ns: never zero for a non-empty transfer.
        assert_eq!(Bandwidth(100_000_000_000).serialization_ns(1), 1);
        assert_eq!(
            Bandwidth(u64::MAX).serialization_ns(u64::MAX),
            8_000_000_000
        );
        assert_eq!(Bandwidth(1).serialization_ns(u64::MAX), u64::MAX);
        assert_eq!(Bandwidth(0).serialization_ns(1), u64::MAX);
        assert_eq!(Bandwidth(0).serialization_ns(0), u64::MAX);
    }

    // --- Rate ----------------------------------------------------------------------------

    #[test]
    fn rate_forms() {
        let cases = [
            ("10/s", 10.0, Some(100_000_000), "10/s"),
            ("10/sec", 10.0, Some(100_000_000), "10/s"),
            ("10 / s", 10.0, Some(100_000_000), "10/s"),
            ("3/min", 0.05, Some(20_000_000_000), "3/min"),
            ("3/m", 0.05, Some(20_000_000_000), "3/min"),
            ("100/h", 100.0 / 3600.0, Some(36_000_000_000), "100/h"),
            ("2/ms", 2000.0, Some(500_000), "2/ms"),
            ("0.5/s", 0.5, Some(2_000_000_000), "0.5/s"),
            ("0.50/s", 0.5, Some(2_000_000_000), "0.5/s"),
            ("007/s", 7.0, Some(142_857_143), "7/s"),
            ("0/s", 0.0, None, "0/s"),
            (
                "0.000000001/h",
                1.0 / 3.6e12,
                Some(u64::MAX),
                "0.000000001/h",
            ),
            (
                "18446744073709551615/ms",
                1.8446744073709552e22,
                Some(1),
                "18446744073709551615/ms",
            ),
        ];
        for (input, per_second, interval, canonical) in cases {
            let parsed = rate(input);
            assert_eq!(parsed.per_second(), per_second, "{input:?}");
            assert_eq!(parsed.mean_interval_ns(), interval, "{input:?}");
            assert_eq!(parsed.to_string(), canonical, "{input:?}");
            assert_round_trip(parsed);
            assert_eq!(rate(canonical).to_string(), canonical);
        }
        assert!(rate("0/h").is_zero());
        assert_eq!(rate("3/min").per(), RatePer::Minute);
        assert_eq!(Rate::new(5, RatePer::Hour).to_string(), "5/h");
    }

    #[test]
    fn rate_compares_by_value() {
        assert_eq!(rate("60/min"), rate("1/s"));
        assert_eq!(rate("1/ms"), rate("1000/s"));
        assert_eq!(rate("0.5/s"), rate("30/min"));
        assert_eq!(rate("0/s"), rate("0/h"));
        assert!(rate("59/min") < rate("1/s"));
        assert!(rate("1.000000001/s") > rate("1/s"));
        assert!(rate("3601/h") > rate("1/s"));
    }

    #[test]
    fn rate_errors() {
        let cases = [
            ("-1/s", "rates cannot be negative"),
            ("10", r#"missing unit ("/" and a time unit)"#),
            ("10/", r#"missing unit ("/" and a time unit)"#),
            ("10 s", r#"unknown unit "s""#),
            ("10/parsec", r#"unknown unit "parsec""#),
            ("10/S", r#"unknown unit "S" (did you mean "s"?)"#),
            ("inf/s", "must be a finite number, not infinity"),
            ("NaN/s", "must be a finite number, not NaN"),
            ("1e3/s", r#"unknown unit "e3/s""#),
            ("1.0000000001/s", "more than 9 decimal places"),
            ("18446744073709551616/s", "count is too large"),
            ("1844674407370.9551616/s", "count is too large"),
            ("", "empty value"),
        ];
        for (input, expected) in cases {
            let message = error::<Rate>(input).to_string();
            assert!(
                message.starts_with(&format!("invalid rate {input:?}: {expected}")),
                "{input:?}: {message}"
            );
            assert!(message.contains("ms, s, sec, min, m, h"));
        }
    }

    // --- Percent -------------------------------------------------------------------------

    #[test]
    fn percent_values() {
        assert_eq!(ppm("0.5%"), 5_000);
        assert_eq!(ppm("100%"), 1_000_000);
        assert_eq!(ppm("100.0000%"), 1_000_000);
        assert_eq!(ppm("0%"), 0);
        assert_eq!(ppm("12.3456%"), 123_456);
        assert_eq!(ppm("0.0001%"), 1);
        assert_eq!(ppm("50 %"), 500_000);
        assert_eq!(ppm("5.000000%"), 50_000);
        assert_eq!("25%".parse::<Percent>().map(Percent::fraction), Ok(0.25));
        assert_eq!(Percent::HUNDRED.fraction(), 1.0);
        assert_eq!(Percent::from_parts_per_million(1_000_001), None);
        assert_eq!(
            Percent::from_parts_per_million(7),
            Some(Percent {
                parts_per_million: 7
            })
        );
    }

    #[test]
    fn percent_errors() {
        let cases = [
            ("100.0001%", "percentages must be between 0% and 100%"),
            ("101%", "percentages must be between 0% and 100%"),
            ("250.12345%", "percentages must be between 0% and 100%"),
            ("100.00001%", "percentages must be between 0% and 100%"),
            (
                "99999999999999999999999999999999999999999999%",
                "percentages must be between 0% and 100%",
            ),
            ("12.34567%", "more than 4 decimal places"),
            ("50", r#"missing "%" sign"#),
            ("0.5", r#"missing "%" sign"#),
            ("-1%", "percentages cannot be negative"),
            ("50 percent", r#"unknown unit "percent""#),
            ("%", "does not start with a number"),
        ];
        for (input, expected) in cases {
            let message = error::<Percent>(input).to_string();
            assert!(
                message.starts_with(&format!("invalid percentage {input:?}: {expected}")),
                "{input:?}: {message}"
            );
            assert!(message.ends_with(r#"(e.g. "5%", "0.25%")"#));
        }
    }

    #[test]
    fn percent_display_round_trips() {
        assert_eq!(Percent::ZERO.to_string(), "0%");
        assert_eq!(Percent::HUNDRED.to_string(), "100%");
        assert_eq!(
            Percent {
                parts_per_million: 5_000
            }
            .to_string(),
            "0.5%"
        );
        assert_eq!(
            Percent {
                parts_per_million: 123_450
            }
            .to_string(),
            "12.345%"
        );
        assert_eq!(
            Percent {
                parts_per_million: 1
            }
            .to_string(),
            "0.0001%"
        );
        for parts_per_million in (0..=1_000_000)
            .step_by(997)
            .chain([1, 10, 100, 999_999, 1_000_000])
        {
            let percent = Percent { parts_per_million };
            assert_round_trip(percent);
        }
    }

    // --- Robustness ----------------------------------------------------------------------

    /// Parses pseudo-random strings built from unit-like fragments with every parser:
    /// nothing may panic, and whatever parses must print canonically and round-trip.
    #[test]
    fn arbitrary_input_never_panics_and_accepted_input_round_trips() {
        const FRAGMENTS: &[&str] = &[
            "0",
            "1",
            "5",
            "9",
            "00",
            ".",
            "-",
            "+",
            " ",
            "\t",
            "n",
            "s",
            "m",
            "ms",
            "µ",
            "μ",
            "h",
            "B",
            "K",
            "k",
            "i",
            "M",
            "G",
            "b",
            "bit",
            "/",
            "%",
            "in",
            "sec",
            "e",
            "é",
            "\u{0}",
            "1844674407370955161",
            "99999999999999999999",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            let mut input = String::new();
            // xorshift64: a fixed sequence, so a failure reproduces.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let length = (state % 7) as usize;
            for step in 0..length {
                let index = (state >> (8 * step)) as usize % FRAGMENTS.len();
                input.push_str(FRAGMENTS[index]);
            }
            check_if_accepted::<Duration>(&input);
            check_if_accepted::<ByteSize>(&input);
            check_if_accepted::<Bandwidth>(&input);
            check_if_accepted::<Rate>(&input);
            check_if_accepted::<Percent>(&input);
        }
    }

    fn check_if_accepted<T>(input: &str)
    where
        T: FromStr<Err = UnitError> + fmt::Display + fmt::Debug + PartialEq + Copy,
    {
        match input.parse::<T>() {
            Ok(value) => {
                assert_round_trip(value);
                let canonical = value.to_string();
                assert_eq!(canonical.parse::<T>().map(|v| v.to_string()), Ok(canonical));
            }
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }

    // --- Serde ---------------------------------------------------------------------------

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Link {
        delay: Duration,
        payload: ByteSize,
        bandwidth: Bandwidth,
        arrivals: Rate,
        loss: Percent,
    }

    #[derive(Debug, Deserialize)]
    struct Timeout {
        #[allow(dead_code)]
        d: Duration,
    }

    fn sample_link() -> Link {
        Link {
            delay: Duration(1_500_000_000),
            payload: ByteSize(1_536),
            bandwidth: Bandwidth(10_000_000),
            arrivals: rate("3/min"),
            loss: Percent {
                parts_per_million: 5_000,
            },
        }
    }

    #[test]
    fn serializes_as_canonical_strings() {
        let json = serde_json::to_string(&sample_link()).map_err(|e| e.to_string());
        assert_eq!(
            json.as_deref(),
            Ok(
                r#"{"delay":"1500ms","payload":"1536B","bandwidth":"10Mbit/s","arrivals":"3/min","loss":"0.5%"}"#
            )
        );
        let yaml = serde_saphyr::to_string(&sample_link()).map_err(|e| e.to_string());
        let back: Result<Link, String> = yaml
            .clone()
            .and_then(|yaml| serde_saphyr::from_str(&yaml).map_err(|e| e.to_string()));
        assert_eq!(back, Ok(sample_link()), "yaml was {yaml:?}");
    }

    #[test]
    fn deserializes_from_yaml_strings() {
        let yaml =
            "delay: 1.5s\npayload: 1.5KiB\nbandwidth: 10 Mbit/s\narrivals: 3/min\nloss: 0.5%\n";
        let link: Result<Link, String> = serde_saphyr::from_str(yaml).map_err(|e| e.to_string());
        assert_eq!(link, Ok(sample_link()));
        let json = r#"{"delay":"1500ms","payload":"1536B","bandwidth":"10Mbit/s","arrivals":"3/min","loss":"0.5%"}"#;
        let link: Result<Link, String> = serde_json::from_str(json).map_err(|e| e.to_string());
        assert_eq!(link, Ok(sample_link()));
    }

    #[test]
    fn yaml_errors_carry_location_and_unit_message() {
        let yaml = "# timeouts\nd: 20 parsecs\n";
        let message = match serde_saphyr::from_str::<Timeout>(yaml) {
            Ok(parsed) => panic!("should fail, got {parsed:?}"),
            Err(error) => error.to_string(),
        };
        assert!(message.contains("line 2 column 4"), "{message}");
        assert!(
            message.contains(r#"invalid duration "20 parsecs": unknown unit "parsecs"; expected"#),
            "{message}"
        );
    }

    #[test]
    fn bare_yaml_integers() {
        let five = serde_saphyr::from_str::<Timeout>("d: 5").map_err(|e| e.to_string());
        match five {
            Ok(parsed) => panic!("bare 5 should be rejected, got {parsed:?}"),
            Err(message) => {
                assert!(message.contains("line 1 column 4"), "{message}");
                assert!(
                    message.contains(r#"invalid duration "5": missing unit"#),
                    "{message}"
                );
            }
        }
        let zero = serde_saphyr::from_str::<Timeout>("d: 0").map_err(|e| e.to_string());
        assert_eq!(zero.map(|t| t.d), Ok(Duration::ZERO));
        // Only the integer literal is a unitless zero; a float is not.
        let float_zero = serde_saphyr::from_str::<Timeout>("d: 0.0").map_err(|e| e.to_string());
        assert!(float_zero.is_err_and(|m| m.contains(r#"invalid duration "0.0": missing unit"#)));
        let quoted_zero = serde_saphyr::from_str::<Timeout>("d: '0'").map_err(|e| e.to_string());
        assert_eq!(quoted_zero.map(|t| t.d), Ok(Duration::ZERO));
        let negative = serde_saphyr::from_str::<Timeout>("d: -5").map_err(|e| e.to_string());
        assert!(negative.is_err_and(|m| m.contains("durations cannot be negative")));

        #[derive(Debug, Deserialize)]
        struct Message {
            #[allow(dead_code)]
            payload: ByteSize,
        }
        let bare = serde_saphyr::from_str::<Message>("payload: 180").map_err(|e| e.to_string());
        assert!(bare.is_err_and(|m| m.contains(r#"invalid byte size "180": missing unit"#)),);
        let json_zero: Result<Timeout, _> = serde_json::from_str(r#"{"d": 0}"#);
        assert!(json_zero.is_ok());
        let json_five: Result<Timeout, _> = serde_json::from_str(r#"{"d": 5}"#);
        assert!(json_five.is_err_and(|e| e.to_string().contains("missing unit")));
    }

    #[test]
    fn yaml_wrong_type_says_what_was_expected() {
        let message = serde_saphyr::from_str::<Timeout>("d: [1, 2]")
            .map(|t| format!("{t:?}"))
            .unwrap_or_else(|e| e.to_string());
        assert!(
            message.contains("expected a duration string: a number followed by one of ns"),
            "{message}"
        );
    }
}
