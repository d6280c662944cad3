//! Python's format-spec mini-language, shared by the `%` and `{` styles:
//! fill, align, sign, `#`, `0`, width, grouping, precision and type.

/// A parsed format spec such as `<8`, `>6`, `03d`, `.3f`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spec {
    /// The fill character (default space).
    pub fill: Option<char>,
    /// `<`, `>`, `^` or `=`; None: the type's default.
    pub align: Option<char>,
    /// `+`, `-` or ` `.
    pub sign: Option<char>,
    /// `#`: alternate form.
    pub alternate: bool,
    /// `0`: pad numbers with zeros after the sign.
    pub zero: bool,
    /// Minimum width in characters.
    pub width: usize,
    /// `,` or `_` thousands separator.
    pub grouping: Option<char>,
    /// Precision: digits after the point, or the maximum length of a string.
    pub precision: Option<usize>,
    /// The presentation type (`s d f e g x o b c r %`...).
    pub ty: Option<char>,
    /// `%` style: strings align right by default, as printf does.
    pub printf: bool,
}

impl Spec {
    /// True when the spec changes nothing (the value is printed as it is).
    pub fn is_plain(&self) -> bool {
        self.width == 0
            && self.precision.is_none()
            && self.sign.is_none()
            && self.grouping.is_none()
            && !self.alternate
            && matches!(self.ty, None | Some('s'))
    }

    /// Parses the part after `:` of a `{field:spec}`.
    pub fn parse_brace(text: &str) -> Result<Spec, String> {
        let mut spec = Spec::default();
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
        if chars.len() >= 2 && is_align(chars[1]) {
            spec.fill = Some(chars[0]);
            spec.align = Some(chars[1]);
            i = 2;
        } else if !chars.is_empty() && is_align(chars[0]) {
            spec.align = Some(chars[0]);
            i = 1;
        }
        if i < chars.len() && matches!(chars[i], '+' | '-' | ' ') {
            spec.sign = Some(chars[i]);
            i += 1;
        }
        if i < chars.len() && chars[i] == 'z' {
            i += 1;
        }
        if i < chars.len() && chars[i] == '#' {
            spec.alternate = true;
            i += 1;
        }
        if i < chars.len() && chars[i] == '0' {
            spec.zero = true;
            i += 1;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        spec.width = digits(&chars[start..i])?;
        if i < chars.len() && matches!(chars[i], ',' | '_') {
            spec.grouping = Some(chars[i]);
            i += 1;
        }
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if start == i {
                return Err(format!(
                    "format spec `{text}`: a `.` must be followed by a precision"
                ));
            }
            spec.precision = Some(digits(&chars[start..i])?);
        }
        if i < chars.len() {
            let ty = chars[i];
            if !"bcdeEfFgGnosxX%".contains(ty) {
                return Err(format!("format spec `{text}`: unknown type `{ty}`"));
            }
            spec.ty = Some(ty);
            i += 1;
        }
        if i != chars.len() {
            return Err(format!("format spec `{text}` is not valid: expected [[fill]align][sign][#][0][width][,][.precision][type]"));
        }
        Ok(spec)
    }
}

fn digits(chars: &[char]) -> Result<usize, String> {
    if chars.is_empty() {
        return Ok(0);
    }
    let s: String = chars.iter().collect();
    s.parse::<usize>()
        .ok()
        .filter(|&n| n <= 10_000)
        .ok_or_else(|| format!("width or precision `{s}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_brace_specs() {
        let s = Spec::parse_brace("*^10,.2f").unwrap();
        assert_eq!(
            (s.fill, s.align, s.width, s.grouping, s.precision, s.ty),
            (Some('*'), Some('^'), 10, Some(','), Some(2), Some('f'))
        );
        let s = Spec::parse_brace("03d").unwrap();
        assert!(s.zero && s.width == 3 && s.ty == Some('d'));
        assert!(Spec::parse_brace("<8").unwrap().align == Some('<'));
        assert!(Spec::parse_brace("q").is_err());
        assert!(Spec::parse_brace("8.").is_err());
    }
}
