//! Turning the bytes of a file into text: byte-order marks, UTF-8, UTF-16
//! and detected legacy encodings, with binary and empty files refused.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// How many leading bytes (or characters) the binary check looks at.
const SNIFF_LEN: usize = 8 * 1024;
/// More control characters than this in the sniffed prefix means binary.
const MAX_CONTROLS: usize = 8;

/// Why a file's bytes could not be turned into article text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecodeProblem {
    /// The file has no bytes, or only whitespace once decoded.
    #[error("the file is empty (expected article text)")]
    Empty,
    /// NUL bytes or many control characters: not a text file.
    #[error("the file looks binary (expected a plain-text, Markdown or HTML article)")]
    Binary,
    /// Not UTF-8, no byte-order mark, and no trustworthy legacy-encoding guess.
    #[error(
        "cannot tell the text encoding (expected UTF-8, UTF-16 with a byte-order mark, \
         or a recognisable legacy encoding such as windows-1252)"
    )]
    UnknownEncoding,
    /// Part of the file is UTF-8 and part is not (a Latin-1 or windows-1252 paragraph pasted
    /// into a UTF-8 file): any one reading of it garbles the other part.
    #[error(
        "the file mixes UTF-8 with another encoding (such as Latin-1 or windows-1252); the \
         second one starts on line {line} (expected one encoding throughout: save the file as \
         UTF-8)"
    )]
    MixedEncoding {
        /// 1-based line where the second encoding starts.
        line: usize,
    },
    /// An HTML page whose elements nest deeper than any article page (a generated or
    /// hostile file): refused before it is parsed, which would take minutes.
    #[error(
        "the page nests its elements {depth} deep, more than the {limit} an article page could \
         need (expected an ordinary web page)"
    )]
    TooDeep {
        /// How deep it was found to go (counting stops just past the limit).
        depth: usize,
        /// The most allowed.
        limit: usize,
    },
}

/// Decodes `bytes` into text with LF line ends.
///
/// Returns the text and the name of the encoding it was decoded from
/// (`"UTF-8"`, `"UTF-16LE"`, `"UTF-16BE"`, `"windows-1252"`, …). A byte-order
/// mark is dropped; CRLF and lone CR become LF; nothing else is changed.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), DecodeProblem> {
    decode_with_declared(bytes, None)
}

/// Like [`decode`], but when the bytes carry no byte-order mark and are not
/// valid UTF-8, the `declared` encoding (e.g. from an HTML `<meta charset>`)
/// is tried before guessing. A declared encoding that cannot decode the bytes
/// without errors is ignored.
pub fn decode_with_declared(
    bytes: &[u8],
    declared: Option<&'static Encoding>,
) -> Result<(String, &'static str), DecodeProblem> {
    if bytes.is_empty() {
        return Err(DecodeProblem::Empty);
    }
    let (text, encoding) = if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or_default();
        let text = encoding
            .decode_without_bom_handling_and_without_replacement(body)
            .ok_or(DecodeProblem::UnknownEncoding)?;
        if encoding == UTF_16LE || encoding == UTF_16BE {
            check_text_not_binary(&text)?;
        } else {
            check_bytes_not_binary(body)?;
        }
        (text.into_owned(), encoding)
    } else {
        check_bytes_not_binary(bytes)?;
        match std::str::from_utf8(bytes) {
            Ok(text) => (text.to_owned(), UTF_8),
            Err(e) => {
                // A page that declares UTF-8 and is not: the declaration says which encoding
                // it was written in, so the bytes that are not UTF-8 are the second one.
                if declared.is_some_and(|d| d == UTF_8) {
                    let before = bytes.get(..e.valid_up_to()).unwrap_or_default();
                    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
                    return Err(DecodeProblem::MixedEncoding { line });
                }
                // Bytes that read as no one encoding are refused as such; a file that reads
                // as a legacy encoding but holds UTF-8 characters too is two files in one.
                let legacy = decode_legacy(bytes, declared)?;
                // (A declared multi-byte encoding, GBK say, makes valid UTF-8 pairs as a
                // matter of course: it is taken at its word.)
                let multi_byte = declared.is_some_and(|d| !d.is_single_byte());
                if !multi_byte && let Some(line) = mixed_encoding_line(bytes) {
                    return Err(DecodeProblem::MixedEncoding { line });
                }
                legacy
            }
        }
    };
    if text.chars().all(char::is_whitespace) {
        return Err(DecodeProblem::Empty);
    }
    Ok((normalize_line_ends(&text), encoding.name()))
}

/// For bytes that are not UTF-8 throughout, the 1-based line where a second encoding
/// starts, when some lines are UTF-8 with accented letters and others are not UTF-8 at all.
///
/// A line counts as UTF-8 only when it is valid UTF-8 throughout and holds at least two
/// multi-byte characters: in a legacy encoding, a byte pair that happens to be valid UTF-8
/// (windows-1251 "Ві" is `C2 B3`, UTF-8 for "³") is common, a whole line of them is not.
fn mixed_encoding_line(bytes: &[u8]) -> Option<usize> {
    let (mut first_utf8, mut first_other) = (None, None);
    for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
        match std::str::from_utf8(line) {
            Ok(text) => {
                if first_utf8.is_none() && text.chars().filter(|c| !c.is_ascii()).nth(1).is_some() {
                    first_utf8 = Some(n + 1);
                }
            }
            Err(_) => {
                if first_other.is_none() {
                    first_other = Some(n + 1);
                }
            }
        }
        if let (Some(a), Some(b)) = (first_utf8, first_other) {
            return Some(a.max(b));
        }
    }
    None
}

/// Decodes bytes that are not UTF-8: the declared encoding if it decodes
/// them without errors, otherwise chardetng's guess if it is a single-byte
/// encoding and the result is plausible. Multi-byte legacy encodings (GBK,
/// Big5, Shift_JIS, EUC-*) are only used when declared.
fn decode_legacy(
    bytes: &[u8],
    declared: Option<&'static Encoding>,
) -> Result<(String, &'static Encoding), DecodeProblem> {
    if let Some(encoding) = declared.map(Encoding::output_encoding)
        && encoding != UTF_8
        && let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes)
    {
        return Ok((text.into_owned(), encoding));
    }
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, Utf8Detection::Deny);
    if !guess.is_single_byte() {
        return Err(DecodeProblem::UnknownEncoding);
    }
    decode_strict(guess, bytes)
        .map(|text| (text, guess))
        .ok_or(DecodeProblem::UnknownEncoding)
}

/// Decodes without replacement characters and accepts the result only if it
/// looks like text. chardetng 1.0 no longer reports how confident its guess
/// is (`guess_assess` is gone), so this is the trust check: a wrong guess
/// typically yields C1 control characters (unassigned bytes), a soup of
/// symbols instead of letters, or Latin text with more accented letters than
/// plain ones.
fn decode_strict(encoding: &'static Encoding, bytes: &[u8]) -> Option<String> {
    let text = encoding.decode_without_bom_handling_and_without_replacement(bytes)?;
    let (mut non_ascii, mut odd, mut ascii_letters, mut accented) =
        (0usize, 0usize, 0usize, 0usize);
    for c in text.chars() {
        if c.is_ascii() {
            ascii_letters += usize::from(c.is_ascii_alphabetic());
            continue;
        }
        non_ascii += 1;
        if c == '\u{FFFD}' || c.is_control() {
            return None;
        }
        if ('\u{C0}'..='\u{24F}').contains(&c) && c.is_alphabetic() {
            accented += 1;
        } else if !(c.is_alphanumeric() || is_common_symbol(c)) {
            odd += 1;
        }
    }
    // In real prose most non-ASCII characters are letters or typographic
    // punctuation (allow one odd character in four), and Latin-script
    // languages use more unaccented letters than accented ones.
    (odd * 4 <= non_ascii && accented <= ascii_letters).then(|| text.into_owned())
}

/// Non-letter characters that legitimately show up in legacy-encoded prose.
fn is_common_symbol(c: char) -> bool {
    matches!(
        c,
        '\u{A0}'
            | '‘'
            | '’'
            | '‚'
            | '“'
            | '”'
            | '„'
            | '–'
            | '—'
            | '…'
            | '•'
            | '€'
            | '£'
            | '¥'
            | '«'
            | '»'
            | '‹'
            | '›'
            | '°'
            | '§'
            | '©'
            | '®'
            | '™'
            | '·'
            | '¿'
            | '¡'
            | '½'
            | '¼'
            | '¾'
            | '±'
            | '×'
            | '²'
            | '³'
            | '†'
            | '¶'
            | '№'
            | '´'
    ) || ('\u{300}'..='\u{36F}').contains(&c)
}

/// NUL anywhere, or too many control characters at the start, means binary.
fn check_bytes_not_binary(bytes: &[u8]) -> Result<(), DecodeProblem> {
    if bytes.contains(&0) {
        return Err(DecodeProblem::Binary);
    }
    let sample = bytes.get(..SNIFF_LEN).unwrap_or(bytes);
    let controls = sample
        .iter()
        .filter(|&&b| is_suspect_control(b.into()))
        .count();
    too_many_controls(controls, sample.len())
}

/// The binary check for text decoded from UTF-16, on characters.
fn check_text_not_binary(text: &str) -> Result<(), DecodeProblem> {
    if text.contains('\0') {
        return Err(DecodeProblem::Binary);
    }
    let mut len = 0;
    let mut controls = 0;
    for c in text.chars().take(SNIFF_LEN) {
        len += 1;
        controls += usize::from(is_suspect_control(c));
    }
    too_many_controls(controls, len)
}

/// C0 control characters other than tab, LF, FF and CR.
fn is_suspect_control(c: char) -> bool {
    c < ' ' && !matches!(c, '\t' | '\n' | '\u{C}' | '\r')
}

/// More than [`MAX_CONTROLS`] or more than 1 % of the sample.
fn too_many_controls(controls: usize, sample_len: usize) -> Result<(), DecodeProblem> {
    if controls > MAX_CONTROLS || controls * 100 > sample_len {
        Err(DecodeProblem::Binary)
    } else {
        Ok(())
    }
}

/// Turns CRLF and lone CR into LF.
pub fn normalize_line_ends(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut bytes = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in text.encode_utf16() {
            let pair = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend_from_slice(&pair);
        }
        bytes
    }

    #[test]
    fn a_page_declaring_utf8_with_a_latin1_line_is_refused_at_that_line() {
        let bytes = b"<p>caf\xc3\xa9</p>\n<p>caf\xe9</p>\n";
        assert_eq!(
            decode_with_declared(bytes, Some(UTF_8)).unwrap_err(),
            DecodeProblem::MixedEncoding { line: 2 }
        );
        // Undeclared, one UTF-8 pair is not enough to call the file mixed (legacy text has
        // such pairs by chance); it is read as the legacy encoding it otherwise is.
        assert!(decode(bytes).is_ok());
    }

    #[test]
    fn utf8_and_latin1_in_one_file_are_refused_naming_the_line() {
        // UTF-8 first, Latin-1 from line 3.
        let bytes = "Caf\u{e9} cr\u{e8}me\nsecond line\n".as_bytes().to_vec();
        let mut mixed = bytes.clone();
        mixed.extend_from_slice(b"na\xefve caf\xe9\n");
        assert_eq!(
            decode(&mixed).unwrap_err(),
            DecodeProblem::MixedEncoding { line: 3 }
        );
        // Latin-1 first, UTF-8 from line 2.
        let mut other = b"un caf\xe9 au lait\n".to_vec();
        other.extend_from_slice("en \u{e9}t\u{e9} il fait chaud\n".as_bytes());
        let err = decode(&other).unwrap_err();
        assert_eq!(err, DecodeProblem::MixedEncoding { line: 2 });
        assert!(err.to_string().contains("line 2"), "{err}");
        // Either one alone still reads, also where a legacy encoding's byte pairs happen to
        // be valid UTF-8 (windows-1251 "Він" starts C2 B3; windows-1252 "É" and a no-break
        // space are C9 A0).
        assert_eq!(decode(&bytes).unwrap().1, "UTF-8");
        let cyrillic = encoding_rs::WINDOWS_1251
            .encode("Він сказав, що переговори можуть початися.\nТАСС» повідомляє.\n")
            .0;
        assert!(
            std::str::from_utf8(&cyrillic[..2]).is_ok(),
            "the case is the one meant"
        );
        assert_eq!(decode(&cyrillic).unwrap().1, "windows-1251");
        let french = encoding_rs::WINDOWS_1252
            .encode("\u{c9}\u{a0}la une : le pr\u{e9}sident a parl\u{e9} longuement.\n")
            .0;
        assert_eq!(decode(&french).unwrap().1, "windows-1252");
        assert_eq!(
            decode(b"na\xefve caf\xe9 cr\xe8me br\xfbl\xe9e\n")
                .unwrap()
                .1,
            "windows-1252"
        );
    }

    #[test]
    fn utf8_bom_is_dropped() {
        let (text, enc) = decode(b"\xEF\xBB\xBFHello world\n").unwrap();
        assert_eq!(text, "Hello world\n");
        assert_eq!(enc, "UTF-8");
    }

    #[test]
    fn utf16_le_and_be_with_bom() {
        let sample = "Caf\u{e9} \u{2014} \u{65e5}\u{672c} \u{1F600}\r\nline two";
        let (le, enc) = decode(&utf16(sample, false)).unwrap();
        assert_eq!(enc, "UTF-16LE");
        assert_eq!(
            le,
            "Caf\u{e9} \u{2014} \u{65e5}\u{672c} \u{1F600}\nline two"
        );
        let (be, enc) = decode(&utf16(sample, true)).unwrap();
        assert_eq!(enc, "UTF-16BE");
        assert_eq!(be, le);
    }

    #[test]
    fn windows_1252_is_detected() {
        let line: &[u8] =
            b"Caf\xe9 cr\xe8me \x93quoted\x94 \x80 5, l\x92\xe9t\xe9 d\xe9j\xe0 pass\xe9.\r\n";
        let bytes = line.repeat(4);
        let (text, enc) = decode(&bytes).unwrap();
        assert_eq!(enc, "windows-1252");
        let expected = "Caf\u{e9} cr\u{e8}me \u{201c}quoted\u{201d} \u{20ac} 5, l\u{2019}\u{e9}t\u{e9} d\u{e9}j\u{e0} pass\u{e9}.\n";
        assert_eq!(text, expected.repeat(4));
    }

    #[test]
    fn cyrillic_windows_1251_is_detected() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251
            .encode("Привет, мир! Это обычный текст статьи о погоде в Москве.\n");
        let (text, enc) = decode(&bytes).unwrap();
        assert_eq!(enc, "windows-1251");
        assert!(text.starts_with("Привет, мир!"));
    }

    #[test]
    fn declared_encoding_is_preferred_over_guessing() {
        let (text, enc) =
            decode_with_declared(b"na\xefve caf\xe9", Some(encoding_rs::WINDOWS_1252)).unwrap();
        assert_eq!(
            (text.as_str(), enc),
            ("na\u{ef}ve caf\u{e9}", "windows-1252")
        );
    }

    #[test]
    fn untrustworthy_guess_is_refused() {
        // chardetng guesses Shift_JIS here; only single-byte guesses are trusted.
        let bytes: Vec<u8> = b"x \x81\x8d\x8f\x90\x9d\xa4\xa6\xa8 y\n".repeat(3);
        assert_eq!(decode(&bytes), Err(DecodeProblem::UnknownEncoding));
    }

    #[test]
    fn random_high_bytes_are_refused() {
        let mut seed = 7u32;
        let bytes: Vec<u8> = (0..3000)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let b = (seed >> 16) as u8;
                if b < 0x80 { b'a' + b % 26 } else { b }
            })
            .collect();
        assert_eq!(decode(&bytes), Err(DecodeProblem::UnknownEncoding));
        // Only bytes that are letters in windows-1252: accented-letter soup.
        let soup: Vec<u8> = bytes
            .iter()
            .map(|&b| if b < 0xC0 { b' ' } else { b })
            .collect();
        assert_eq!(decode(&soup), Err(DecodeProblem::UnknownEncoding));
    }

    #[test]
    fn line_ends_become_lf() {
        let (text, _) = decode(b"one\r\ntwo\rthree\n\r\nfour\r").unwrap();
        assert_eq!(text, "one\ntwo\nthree\n\nfour\n");
    }

    #[test]
    fn text_is_otherwise_unchanged() {
        let sample = "  Indented\u{a0}NBSP \t tab  \n\n\nthree blanks \u{1F469}\u{200D}\u{1F52C} \
                      \u{4e2d}\u{6587} e\u{301} \u{65e5}\u{672c}\u{8a9e}  \n";
        let (text, enc) = decode(sample.as_bytes()).unwrap();
        assert_eq!(enc, "UTF-8");
        assert_eq!(text, sample);
        assert!(text.contains('\u{a0}'));
    }

    #[test]
    fn binary_is_refused() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0";
        assert_eq!(decode(png), Err(DecodeProblem::Binary));
        let controls = b"text \x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f more text".repeat(2);
        assert_eq!(decode(&controls), Err(DecodeProblem::Binary));
        assert_eq!(decode(&utf16("a\0b", false)), Err(DecodeProblem::Binary));
    }

    #[test]
    fn a_stray_control_character_is_tolerated() {
        let mut bytes = b"An ordinary line of text. ".repeat(10);
        bytes.push(0x1A);
        assert!(decode(&bytes).is_ok());
    }

    #[test]
    fn empty_and_whitespace_only_are_refused() {
        assert_eq!(decode(b""), Err(DecodeProblem::Empty));
        assert_eq!(decode(b"\xEF\xBB\xBF"), Err(DecodeProblem::Empty));
        assert_eq!(decode(b" \r\n\t\n  "), Err(DecodeProblem::Empty));
        assert_eq!(decode("\u{a0}\n".as_bytes()), Err(DecodeProblem::Empty));
        assert_eq!(decode(&utf16(" \n", true)), Err(DecodeProblem::Empty));
    }
}
