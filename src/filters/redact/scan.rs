//! Where the bytes that can start a secret's sign are, 64 bytes at a time, as bitmasks:
//! the first look reads a text through these instead of byte by byte, and only the
//! places a mask marks are read closer.

/// The classes of one block's bytes: bit `i` of a mask is byte `i` of the block.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Block {
    /// `' '`, `\t`, `\n`, `\r`.
    pub blank: u64,
    /// `0`–`9`.
    pub digit: u64,
    /// `=`, `:`, `>`: a key-value's separator.
    pub separator: u64,
    /// `-`.
    pub dash: u64,
    /// `i`, `w`, `a`, `e`, `t`, `h` (either case), `'`, `"`: what a prose verb (`is`,
    /// `was`, `are`, `were`, `equals`, `will be`, `has been`, `set to`) or a quoted value
    /// starts with.
    pub verb: u64,
    /// `b`, `d`, `n`, `t`, either case: a credential's scheme (`Bearer`, `Basic`,
    /// `Digest`, `Negotiate`, `NTLM`, `token`) starts so.
    pub scheme: u64,
    /// `p`, `P`: a password word (`pass`, `pwd`) starts so.
    pub p: u64,
    /// ASCII letters.
    pub letter: u64,
    /// ASCII capitals.
    pub upper: u64,
    /// `%`, `\`, `&`, control characters but blanks, and every byte of a non-ASCII
    /// character: the text may need decoding.
    pub encoded: u64,
}

/// Each 64-byte block of `bytes` with its start; the last one may be shorter (its
/// masks end with the text).
pub fn blocks(bytes: &[u8]) -> impl Iterator<Item = (usize, Block)> + '_ {
    bytes
        .chunks(64)
        .enumerate()
        .map(|(i, chunk)| (i * 64, classify(chunk)))
}

/// The classes of up to 64 bytes: 32 at a time with AVX2 where the processor has it,
/// else sixteen at a time with SSE2 (every x86-64 has it), else one at a time.
fn classify(bytes: &[u8]) -> Block {
    #[cfg(target_arch = "x86_64")]
    {
        if bytes.len() >= 32 && std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (asked just now; the answer is cached).
            return unsafe { avx2(bytes) };
        }
        // SAFETY: SSE2 is part of x86-64: every processor this build runs on has it.
        unsafe { sse2(bytes) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        one_at_a_time(bytes)
    }
}

/// The classes of one vector of bytes `v` (placed at `shift` in the block) added to
/// `out`, with the vector instructions named: equal, greater than (signed), or, and,
/// a byte everywhere, and the mask of the bytes' top bits.
#[cfg(target_arch = "x86_64")]
macro_rules! classes {
    ($out:ident, $v:expr, $shift:expr, $eq:ident, $gt:ident, $or:ident, $and:ident, $set1:ident, $mask:expr) => {{
        let v = $v;
        let eq = |c: u8| $eq(v, $set1(c as i8));
        let bits = |m| ($mask)(m) << $shift;
        let folded = $or(v, $set1(0x20));
        let is = |c: u8| $eq(folded, $set1(c as i8));
        // signed comparisons: a byte from 0x80 up is below every ASCII one
        let between =
            |x, lo: u8, hi: u8| $and($gt(x, $set1(lo as i8 - 1)), $gt($set1(hi as i8 + 1), x));
        let blank = bits($or($or(eq(b' '), eq(b'\t')), $or(eq(b'\n'), eq(b'\r'))));
        $out.blank |= blank;
        $out.digit |= bits(between(v, b'0', b'9'));
        $out.separator |= bits($or($or(eq(b'='), eq(b':')), eq(b'>')));
        $out.dash |= bits(eq(b'-'));
        $out.verb |= bits($or(
            $or($or(is(b'i'), is(b'w')), $or(is(b'a'), is(b'e'))),
            $or($or(is(b't'), is(b'h')), $or(eq(b'\''), eq(b'"'))),
        ));
        $out.scheme |= bits($or($or(is(b'b'), is(b'd')), $or(is(b'n'), is(b't'))));
        $out.letter |= bits(between(folded, b'a', b'z'));
        $out.upper |= bits(between(v, b'A', b'Z'));
        $out.p |= bits(is(b'p'));
        // the top bit of a byte is its sign: the mask of `v` itself marks non-ASCII
        $out.encoded |= bits($or($or(v, eq(b'%')), $or(eq(b'\\'), eq(b'&'))));
        // control characters but blanks (below 0x20; signed, non-ASCII is below too)
        $out.encoded |= bits($gt($set1(0x20), v)) & !blank;
    }};
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn sse2(bytes: &[u8]) -> Block {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_loadu_si128, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x,
    };
    let mut out = Block::default();
    let bytes = &bytes[..bytes.len().min(64)];
    for at in (0..bytes.len()).step_by(16) {
        // a lane past the text's end: its last 16 bytes again (the bytes read twice
        // are marked twice, the same), or for a text under 16 bytes, its bytes after
        // zeros, which belong to no class
        let (v, shift) = if at + 16 <= bytes.len() {
            // SAFETY: 16 readable bytes at `at`; `_mm_loadu_si128` needs no alignment.
            let v = unsafe { _mm_loadu_si128(bytes[at..].as_ptr().cast::<__m128i>()) };
            (v, at)
        } else if bytes.len() >= 16 {
            let from = bytes.len() - 16;
            // SAFETY: as above, at `from`.
            let v = unsafe { _mm_loadu_si128(bytes[from..].as_ptr().cast::<__m128i>()) };
            (v, from)
        } else {
            let (lo, hi) = short(bytes);
            (_mm_set_epi64x(hi as i64, lo as i64), 0)
        };
        let mask = |m| u64::from(_mm_movemask_epi8(m) as u16);
        classes!(
            out,
            v,
            shift,
            _mm_cmpeq_epi8,
            _mm_cmpgt_epi8,
            _mm_or_si128,
            _mm_and_si128,
            _mm_set1_epi8,
            mask
        );
    }
    // a text under 16 bytes is read with zeros after it: not control characters
    if bytes.len() < 16 {
        out.encoded &= (1u64 << bytes.len()) - 1;
    }
    out
}

/// [`sse2`] 32 bytes at a time, for 32 bytes or more.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn avx2(bytes: &[u8]) -> Block {
    use std::arch::x86_64::{
        __m256i, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8, _mm256_loadu_si256,
        _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
    };
    let mut out = Block::default();
    let bytes = &bytes[..bytes.len().min(64)];
    if bytes.len() < 32 {
        return sse2(bytes);
    }
    for at in (0..bytes.len()).step_by(32) {
        // past the text's end: its last 32 bytes again (marked twice, the same)
        let from = at.min(bytes.len() - 32);
        // SAFETY: 32 readable bytes at `from`; `_mm256_loadu_si256` needs no alignment.
        let v = unsafe { _mm256_loadu_si256(bytes[from..].as_ptr().cast::<__m256i>()) };
        let mask = |m| u64::from(_mm256_movemask_epi8(m) as u32);
        classes!(
            out,
            v,
            from,
            _mm256_cmpeq_epi8,
            _mm256_cmpgt_epi8,
            _mm256_or_si256,
            _mm256_and_si256,
            _mm256_set1_epi8,
            mask
        );
    }
    out
}

/// The bytes of a text under 16 bytes as two little-endian words, zeros after them:
/// read in a few overlapping pieces, without a loop over the bytes (a byte read twice
/// lands on itself).
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
fn short(bytes: &[u8]) -> (u64, u64) {
    let n = bytes.len();
    let word = |at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(w)
    };
    let quarter = |at: usize| {
        let mut w = [0u8; 4];
        w.copy_from_slice(&bytes[at..at + 4]);
        u64::from(u32::from_le_bytes(w))
    };
    match n {
        0 => (0, 0),
        1..=3 => {
            let lo = u64::from(bytes[0])
                | u64::from(bytes[n / 2]) << (8 * (n / 2))
                | u64::from(bytes[n - 1]) << (8 * (n - 1));
            (lo, 0)
        }
        4..=7 => (quarter(0) | quarter(n - 4) << (8 * (n - 4)), 0),
        8 => (word(0), 0),
        _ => (word(0), word(n - 8) >> (8 * (16 - n))),
    }
}

/// [`classify`] one byte at a time (other processors, and the reference the vector
/// version is tested against).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn one_at_a_time(bytes: &[u8]) -> Block {
    let mut out = Block::default();
    for (i, &c) in bytes.iter().take(64).enumerate() {
        let bit = 1u64 << i;
        let mark = |mask: &mut u64, yes: bool| {
            if yes {
                *mask |= bit;
            }
        };
        mark(&mut out.blank, matches!(c, b' ' | b'\t' | b'\n' | b'\r'));
        mark(&mut out.digit, c.is_ascii_digit());
        mark(&mut out.separator, matches!(c, b'=' | b':' | b'>'));
        mark(&mut out.dash, c == b'-');
        mark(
            &mut out.verb,
            matches!(c | 0x20, b'i' | b'w' | b'a' | b'e' | b't' | b'h')
                || matches!(c, b'\'' | b'"'),
        );
        mark(
            &mut out.scheme,
            matches!(c | 0x20, b'b' | b'd' | b'n' | b't'),
        );
        mark(&mut out.p, c | 0x20 == b'p');
        mark(&mut out.letter, c.is_ascii_alphabetic());
        mark(&mut out.upper, c.is_ascii_uppercase());
        mark(
            &mut out.encoded,
            c >= 0x80
                || matches!(c, b'%' | b'\\' | b'&')
                || (c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r')),
        );
    }
    out
}

/// Calls `f` with the place of each bit set in `mask`, lowest first.
pub fn each_bit(mut mask: u64, mut f: impl FnMut(usize)) {
    while mask != 0 {
        f(mask.trailing_zeros() as usize);
        mask &= mask - 1;
    }
}

/// The places in `mask` where `n` bits or more are set in a row (the lowest bit of
/// each such stretch of `n`, and those after it); bits above the mask count as unset.
pub fn runs_of(mask: u64, n: u32) -> u64 {
    let (mut x, mut have) = (mask, 1);
    while have < n {
        // bit i set: bits i..i+have all set; with `step` more, i..i+have+step
        let step = (n - have).min(have);
        x &= x >> step;
        have += step;
    }
    x
}

/// A stretch of `n` marked bytes or more, looked for block after block (a stretch may
/// go on from one block into the next).
pub struct Stretch {
    n: u32,
    /// The marked bytes that end the blocks read so far.
    carry: usize,
    /// Where the first stretch found starts (or where one goes on into the block it
    /// was found in).
    pub found: Option<usize>,
}

impl Stretch {
    /// Looks for stretches of `n` bytes.
    pub fn of(n: u32) -> Stretch {
        Stretch {
            n,
            carry: 0,
            found: None,
        }
    }

    /// Reads the next block's marks, the block starting at `base` (bits past the text
    /// unset).
    pub fn feed(&mut self, base: usize, marks: u64) {
        if self.found.is_some() {
            return;
        }
        let runs = runs_of(marks, self.n);
        if self.carry > 0 && self.carry + marks.trailing_ones() as usize >= self.n as usize {
            self.found = Some(base - self.carry);
        } else if runs != 0 {
            self.found = Some(base + runs.trailing_zeros() as usize);
        }
        self.carry = if marks == !0 {
            self.carry + 64
        } else {
            marks.leading_ones() as usize
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vector classes are the byte-at-a-time ones, on every byte value at every
    /// place of a block.
    #[test]
    fn both_ways_agree() {
        for b in 0..=255u8 {
            for at in [0, 15, 16, 31, 47, 63] {
                let mut block = [b'x'; 64];
                block[at] = b;
                block[(at + 7) % 64] = b.wrapping_mul(31);
                for len in [0, 1, 15, 16, 17, 31, 32, 33, 40, 63, 64] {
                    let part = &block[..len];
                    let expected = one_at_a_time(part);
                    assert_eq!(classify(part), expected, "{len} bytes, byte {b} at {at}");
                    #[cfg(target_arch = "x86_64")]
                    {
                        // SAFETY: every x86-64 has SSE2; AVX2 only where detected.
                        assert_eq!(unsafe { sse2(part) }, expected, "SSE2, {len} bytes");
                        if std::is_x86_feature_detected!("avx2") {
                            assert_eq!(unsafe { avx2(part) }, expected, "AVX2, {len} bytes");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn short_texts_are_read_whole() {
        let text: Vec<u8> = (1..=15).collect();
        for n in 0..16 {
            let mut expected = [0u8; 16];
            expected[..n].copy_from_slice(&text[..n]);
            let (lo, hi) = short(&text[..n]);
            let mut got = [0u8; 16];
            got[..8].copy_from_slice(&lo.to_le_bytes());
            got[8..].copy_from_slice(&hi.to_le_bytes());
            assert_eq!(got, expected, "{n} bytes");
        }
    }

    #[test]
    fn runs_are_found_exactly() {
        for n in [13, 20] {
            for len in 0..=64u32 {
                for at in 0..=(64 - len) {
                    let mask = match len {
                        0 => 0,
                        64 => !0,
                        _ => ((1u64 << len) - 1) << at,
                    };
                    assert_eq!(runs_of(mask, n) != 0, len >= n, "{len} at {at}");
                    if len >= n {
                        assert_eq!(runs_of(mask, n).trailing_zeros(), at);
                    }
                }
            }
        }
    }

    /// A stretch is found wherever it lies across blocks, and only when it is there.
    #[test]
    fn stretches_are_found_across_blocks() {
        for len in [12usize, 13, 64, 65, 140] {
            for at in [0usize, 1, 50, 60, 63, 64, 100] {
                let mut marks = [0u64; 5];
                for i in at..at + len {
                    marks[i / 64] |= 1 << (i % 64);
                }
                let mut s = Stretch::of(13);
                for (k, m) in marks.iter().enumerate() {
                    s.feed(64 * k, *m);
                }
                assert_eq!(s.found, (len >= 13).then_some(at), "{len} at {at}");
            }
        }
    }

    #[test]
    fn the_last_block_ends_with_the_text() {
        let text = "a b".repeat(30);
        let blocks: Vec<_> = blocks(text.as_bytes()).collect();
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[1].0, 64);
        let spaces = text[64..].bytes().filter(|&b| b == b' ').count();
        assert_eq!(blocks[1].1.blank.count_ones() as usize, spaces);
    }
}
