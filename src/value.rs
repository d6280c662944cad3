//! The one owned value type of logconf: context fields, formatter `defaults`, event
//! helper fields. Formatters render it as Python prints the same value.

use std::fmt;
use std::fmt::Write as _;

use serde::Deserialize;

/// A value: a context field, an event helper's field, or a formatter's `defaults` entry
/// (a string, an integer, a float or a boolean).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
#[non_exhaustive]
pub enum Value {
    /// A text.
    Str(String),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
    /// true or false.
    Bool(bool),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => f.write_str(s),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => {
                let mut s = String::new();
                float_repr(*x, &mut s);
                f.write_str(&s)
            }
            Value::Bool(b) => write!(f, "{b}"),
        }
    }
}

macro_rules! value_from {
    ($($t:ty => $v:ident $(as $cast:ty)?),*) => {$(
        impl From<$t> for Value {
            fn from(x: $t) -> Value {
                Value::$v(x $(as $cast)?)
            }
        }
    )*};
}
value_from!(i64 => Int, i32 => Int as i64, u32 => Int as i64, u16 => Int as i64, f64 => Float, bool => Bool, String => Str);

impl From<u64> for Value {
    fn from(x: u64) -> Value {
        i64::try_from(x)
            .map(Value::Int)
            .unwrap_or_else(|_| Value::Str(x.to_string()))
    }
}

impl From<&str> for Value {
    fn from(x: &str) -> Value {
        Value::Str(x.to_string())
    }
}

impl Value {
    /// As a `log` key-value value.
    pub fn to_kv(&self) -> log::kv::Value<'_> {
        match self {
            Value::Str(s) => log::kv::Value::from(s.as_str()),
            Value::Int(i) => log::kv::Value::from(*i),
            Value::Float(f) => log::kv::Value::from(*f),
            Value::Bool(b) => log::kv::Value::from(*b),
        }
    }
}

/// Python's `repr(float)`: the shortest text that reads back, `1.0`, `1e+16`, `1e-05`.
pub fn float_repr(v: f64, out: &mut String) {
    if v.is_nan() {
        out.push_str("nan");
        return;
    }
    if v.is_infinite() {
        out.push_str(if v > 0.0 { "inf" } else { "-inf" });
        return;
    }
    // Rust's `{:e}` gives the shortest round-trip digits: d.ddddde[-]X
    let sci = format!("{v:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let decpt = exp + 1; // value = 0.DIGITS * 10^decpt
    if negative {
        out.push('-');
    }
    if !(-4 < decpt && decpt <= 16) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(out, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    } else if decpt <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-decpt) as usize));
        out.push_str(&digits);
    } else {
        let d = decpt as usize;
        if digits.len() <= d {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', d - digits.len()));
            out.push_str(".0");
        } else {
            out.push_str(&digits[..d]);
            out.push('.');
            out.push_str(&digits[d..]);
        }
    }
}
