//! Offset units and the conversions between them.
//!
//! Inside the program a span is a range of [`ByteOffset`]s into the UTF-8 text. Project files
//! count [`CharOffset`]s (Unicode code points, as Python, brat, doccano, spaCy and Label Studio
//! do); WebAnno TSV counts [`Utf16Offset`]s. The three never mix: every conversion goes
//! through a [`TextIndex`] built once per text, which answers each conversion in O(log n).

use std::ops::Range;

macro_rules! offset_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub usize);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

offset_type!(
    /// An offset in bytes into a UTF-8 text. Valid offsets lie on `char` boundaries.
    ByteOffset
);
offset_type!(
    /// An offset in Unicode code points (Rust `char`s) from the start of a text.
    CharOffset
);
offset_type!(
    /// An offset in UTF-16 code units from the start of a text (astral characters count 2).
    Utf16Offset
);

/// Why an offset could not be converted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OffsetError {
    /// The offset lies past the end of the text.
    #[error("offset {offset} is past the end of the text ({len} {unit})")]
    OutOfRange {
        /// The offending offset.
        offset: usize,
        /// The length of the text in the same unit.
        len: usize,
        /// The unit counted.
        unit: &'static str,
    },
    /// The offset falls inside a character (between the bytes or surrogate halves of one).
    #[error("offset {offset} ({unit}) falls inside a character")]
    InsideChar {
        /// The offending offset.
        offset: usize,
        /// The unit counted.
        unit: &'static str,
    },
}

/// One non-ASCII character: where it starts in each unit. Between two of these every character
/// is ASCII, so all three units advance together.
#[derive(Clone, Copy, Debug)]
struct Wide {
    byte: usize,
    char: usize,
    utf16: usize,
    len8: u8,
    len16: u8,
}

/// Converts offsets between bytes, code points and UTF-16 units for one text in O(log n).
///
/// It stores one entry per non-ASCII character, so an ASCII text costs nothing.
#[derive(Clone, Debug, Default)]
pub struct TextIndex {
    wide: Vec<Wide>,
    len_bytes: usize,
    len_chars: usize,
    len_utf16: usize,
}

impl TextIndex {
    /// Builds the index of `text` in one pass.
    pub fn new(text: &str) -> Self {
        let mut wide = Vec::new();
        let (mut chars, mut utf16) = (0, 0);
        for (byte, c) in text.char_indices() {
            let len16 = c.len_utf16();
            if !c.is_ascii() {
                wide.push(Wide {
                    byte,
                    char: chars,
                    utf16,
                    len8: c.len_utf8() as u8,
                    len16: len16 as u8,
                });
            }
            chars += 1;
            utf16 += len16;
        }
        Self {
            wide,
            len_bytes: text.len(),
            len_chars: chars,
            len_utf16: utf16,
        }
    }

    /// Length of the text in bytes.
    pub fn len_bytes(&self) -> ByteOffset {
        ByteOffset(self.len_bytes)
    }

    /// Length of the text in code points.
    pub fn len_chars(&self) -> CharOffset {
        CharOffset(self.len_chars)
    }

    /// Length of the text in UTF-16 units.
    pub fn len_utf16(&self) -> Utf16Offset {
        Utf16Offset(self.len_utf16)
    }

    /// Converts a byte offset (which must lie on a `char` boundary) to code points.
    pub fn byte_to_char(&self, b: ByteOffset) -> Result<CharOffset, OffsetError> {
        self.convert(b.0, Unit::Byte, Unit::Char).map(CharOffset)
    }

    /// Converts a byte offset (which must lie on a `char` boundary) to UTF-16 units.
    pub fn byte_to_utf16(&self, b: ByteOffset) -> Result<Utf16Offset, OffsetError> {
        self.convert(b.0, Unit::Byte, Unit::Utf16).map(Utf16Offset)
    }

    /// Converts a code-point offset to bytes.
    pub fn char_to_byte(&self, c: CharOffset) -> Result<ByteOffset, OffsetError> {
        self.convert(c.0, Unit::Char, Unit::Byte).map(ByteOffset)
    }

    /// Converts a UTF-16 offset (which must not split a surrogate pair) to bytes.
    pub fn utf16_to_byte(&self, u: Utf16Offset) -> Result<ByteOffset, OffsetError> {
        self.convert(u.0, Unit::Utf16, Unit::Byte).map(ByteOffset)
    }

    /// Converts a byte range to a code-point range.
    pub fn byte_range_to_char(
        &self,
        r: Range<ByteOffset>,
    ) -> Result<Range<CharOffset>, OffsetError> {
        Ok(self.byte_to_char(r.start)?..self.byte_to_char(r.end)?)
    }

    /// Converts a code-point range to a byte range.
    pub fn char_range_to_byte(
        &self,
        r: Range<CharOffset>,
    ) -> Result<Range<ByteOffset>, OffsetError> {
        Ok(self.char_to_byte(r.start)?..self.char_to_byte(r.end)?)
    }

    fn convert(&self, offset: usize, from: Unit, to: Unit) -> Result<usize, OffsetError> {
        let len = from.len(self);
        if offset > len {
            return Err(OffsetError::OutOfRange {
                offset,
                len,
                unit: from.name(),
            });
        }
        // The last wide character starting at or before `offset`.
        let i = self.wide.partition_point(|w| from.of(w) <= offset);
        let Some(w) = i.checked_sub(1).and_then(|i| self.wide.get(i)) else {
            return Ok(offset); // all ASCII before `offset`
        };
        let start = from.of(w);
        if offset == start {
            return Ok(to.of(w));
        }
        let width = from.width(w);
        if offset < start + width {
            return Err(OffsetError::InsideChar {
                offset,
                unit: from.name(),
            });
        }
        Ok(to.of(w) + to.width(w) + (offset - start - width))
    }
}

#[derive(Clone, Copy)]
enum Unit {
    Byte,
    Char,
    Utf16,
}

impl Unit {
    fn of(self, w: &Wide) -> usize {
        match self {
            Unit::Byte => w.byte,
            Unit::Char => w.char,
            Unit::Utf16 => w.utf16,
        }
    }

    fn width(self, w: &Wide) -> usize {
        match self {
            Unit::Byte => usize::from(w.len8),
            Unit::Char => 1,
            Unit::Utf16 => usize::from(w.len16),
        }
    }

    fn len(self, index: &TextIndex) -> usize {
        match self {
            Unit::Byte => index.len_bytes,
            Unit::Char => index.len_chars,
            Unit::Utf16 => index.len_utf16,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Unit::Byte => "bytes",
            Unit::Char => "code points",
            Unit::Utf16 => "UTF-16 units",
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Code points, UTF-16 units and bytes counted the slow, obvious way.
    fn slow(text: &str, byte: usize) -> (usize, usize) {
        let prefix = &text[..byte];
        (prefix.chars().count(), prefix.encode_utf16().count())
    }

    const HARD: &str = "Zelensky 👩‍👩‍👧 said 🇺🇦🇫🇷 e\u{301}té 👍🏽 中国外交部 «مرحبا» a\r\nb\u{a0}c 𝕏";

    #[test]
    fn converts_every_boundary_of_a_hard_text() {
        let index = TextIndex::new(HARD);
        for (b, _) in HARD.char_indices().chain([(HARD.len(), ' ')]) {
            let (c, u) = slow(HARD, b);
            assert_eq!(index.byte_to_char(ByteOffset(b)), Ok(CharOffset(c)));
            assert_eq!(index.byte_to_utf16(ByteOffset(b)), Ok(Utf16Offset(u)));
            assert_eq!(index.char_to_byte(CharOffset(c)), Ok(ByteOffset(b)));
            assert_eq!(index.utf16_to_byte(Utf16Offset(u)), Ok(ByteOffset(b)));
        }
    }

    #[test]
    fn refuses_offsets_inside_characters_and_past_the_end() {
        let index = TextIndex::new("a👍b");
        assert!(matches!(
            index.byte_to_char(ByteOffset(2)),
            Err(OffsetError::InsideChar { .. })
        ));
        assert!(matches!(
            index.utf16_to_byte(Utf16Offset(2)),
            Err(OffsetError::InsideChar { .. })
        ));
        assert!(matches!(
            index.char_to_byte(CharOffset(4)),
            Err(OffsetError::OutOfRange { .. })
        ));
        assert_eq!(index.char_to_byte(CharOffset(3)), Ok(ByteOffset(6)));
    }

    /// Text made of the hard cases (emoji sequences, flags, skin tones, combining accents, CJK,
    /// Arabic, CRLF, NBSP) mixed with arbitrary characters.
    pub(crate) fn unicode_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a",
            " ",
            "\u{a0}",
            "\r\n",
            "\n",
            "é",
            "e\u{301}",
            "👩‍👩‍👧",
            "🇺🇦",
            "👍🏽",
            "中",
            "国",
            "م",
            "ر",
            "𝕏",
            "\u{200d}",
            "—",
            "’",
        ]);
        prop::collection::vec(
            prop_oneof![
                pieces.prop_map(String::from),
                any::<char>().prop_map(String::from)
            ],
            0..60,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn conversions_round_trip(text in unicode_text()) {
            let index = TextIndex::new(&text);
            prop_assert_eq!(index.len_chars().0, text.chars().count());
            prop_assert_eq!(index.len_utf16().0, text.encode_utf16().count());
            for (b, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let c = index.byte_to_char(ByteOffset(b)).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let u = index.byte_to_utf16(ByteOffset(b)).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!((c.0, u.0), slow(&text, b));
                prop_assert_eq!(index.char_to_byte(c), Ok(ByteOffset(b)));
                prop_assert_eq!(index.utf16_to_byte(u), Ok(ByteOffset(b)));
            }
        }
    }
}
