//! The article cut into blocks (its lines, long ones cut at a space) and the running sum of
//! their heights, so the view lays out and paints only the blocks on screen and finds the
//! block under any y in O(log n).
//!
//! No egui here: heights are numbers the view reports once it has laid a block out; blocks
//! never laid out keep an estimate from their length.

use std::ops::Range;

/// Longest block, in bytes; a longer line is cut at a space so one huge paragraph does not
/// have to be laid out at once.
pub const MAX_BLOCK_BYTES: usize = 4096;

/// One block: a line of the text (without its line end), or a piece of a long line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// Byte range into the document text; on char boundaries; no `\n` inside.
    pub bytes: Range<usize>,
    /// Code points before the block, for converting to the galley's char indices.
    pub char_start: usize,
    /// Code points in the block.
    pub chars: usize,
}

/// Cuts `text` into blocks: one per line, long lines cut at the last space before
/// [`MAX_BLOCK_BYTES`] (or at a char boundary when a line has no space). The blocks cover
/// the text except its line ends, in order.
pub fn split(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut char_start = 0;
    let mut line_start = 0;
    let mut push = |range: Range<usize>, char_start: &mut usize| {
        let chars = text.get(range.clone()).map_or(0, |s| s.chars().count());
        blocks.push(Block {
            bytes: range,
            char_start: *char_start,
            chars,
        });
        *char_start += chars;
    };
    let bytes = text.as_bytes();
    loop {
        let line_end = text
            .get(line_start..)
            .and_then(|rest| rest.find('\n'))
            .map_or(text.len(), |i| line_start + i);
        let mut start = line_start;
        while line_end - start > MAX_BLOCK_BYTES {
            let cut = cut_point(text, start, start + MAX_BLOCK_BYTES);
            push(start..cut, &mut char_start);
            start = cut;
        }
        // A CR before the LF is drawn as nothing; keep it out of the block.
        let end = if line_end > start && bytes.get(line_end - 1) == Some(&b'\r') {
            line_end - 1
        } else {
            line_end
        };
        push(start..end, &mut char_start);
        if line_end >= text.len() {
            break;
        }
        // The skipped CR and LF still count as code points.
        char_start += text.get(end..=line_end).map_or(1, |s| s.chars().count());
        line_start = line_end + 1;
    }
    blocks
}

/// Where to cut a long line between `start` and `limit`: after the last space, else at the
/// last char boundary.
fn cut_point(text: &str, start: usize, limit: usize) -> usize {
    let mut limit = limit.min(text.len());
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    text.get(start..limit)
        .and_then(|s| s.rfind(' '))
        .map(|i| start + i + 1)
        .filter(|&cut| cut > start)
        .unwrap_or(limit.max(start + 1))
}

/// The block holding byte `b` (the last block for the end of the text).
pub fn block_at_byte(blocks: &[Block], b: usize) -> usize {
    let i = blocks.partition_point(|block| block.bytes.start <= b);
    i.saturating_sub(1)
}

/// Heights of the blocks and their running sums.
#[derive(Clone, Debug, Default)]
pub struct Heights {
    heights: Vec<f32>,
    exact: Vec<bool>,
    /// `prefix[i]`: top of block `i`; `prefix[n]`: total height. Valid below `dirty_from`.
    prefix: Vec<f64>,
    dirty_from: usize,
}

impl Heights {
    /// Heights from estimates; none exact yet.
    pub fn estimated(estimates: impl IntoIterator<Item = f32>) -> Self {
        let heights: Vec<f32> = estimates.into_iter().collect();
        let n = heights.len();
        Heights {
            heights,
            exact: vec![false; n],
            prefix: vec![0.0; n + 1],
            dirty_from: 0,
        }
    }

    /// Number of blocks.
    pub fn len(&self) -> usize {
        self.heights.len()
    }

    /// Whether block `i`'s height was measured.
    #[cfg(test)]
    pub fn is_exact(&self, i: usize) -> bool {
        self.exact.get(i).copied().unwrap_or(false)
    }

    /// Records the measured height of block `i`; returns how much it changed.
    pub fn set_exact(&mut self, i: usize, height: f32) -> f32 {
        let (Some(h), Some(e)) = (self.heights.get_mut(i), self.exact.get_mut(i)) else {
            return 0.0;
        };
        let delta = height - *h;
        *h = height;
        *e = true;
        if delta != 0.0 {
            self.dirty_from = self.dirty_from.min(i + 1);
        }
        delta
    }

    fn refresh(&mut self) {
        let n = self.heights.len();
        if self.dirty_from > n {
            return;
        }
        let from = self.dirty_from.max(1);
        for i in from..=n {
            let above = self.prefix.get(i - 1).copied().unwrap_or(0.0)
                + f64::from(self.heights.get(i - 1).copied().unwrap_or(0.0));
            if let Some(p) = self.prefix.get_mut(i) {
                *p = above;
            }
        }
        self.dirty_from = n + 1;
    }

    /// Top of block `i` (the total height for `i == len`).
    pub fn top(&mut self, i: usize) -> f32 {
        self.refresh();
        self.prefix.get(i.min(self.len())).copied().unwrap_or(0.0) as f32
    }

    /// Total height of all blocks.
    pub fn total(&mut self) -> f32 {
        self.top(self.len())
    }

    /// The block at height `y` (clamped to the first and last block).
    pub fn index_at(&mut self, y: f32) -> usize {
        self.refresh();
        let y = f64::from(y);
        let i = self
            .prefix
            .get(1..)
            .map_or(0, |tops| tops.partition_point(|&bottom| bottom <= y));
        i.min(self.len().saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(text: &'a str, blocks: &[Block]) -> Vec<&'a str> {
        blocks.iter().map(|b| &text[b.bytes.clone()]).collect()
    }

    #[test]
    fn lines_become_blocks_with_char_starts() {
        let text = "Macron 🇫🇷\r\n\nXi said.\nend";
        let blocks = split(text);
        assert_eq!(
            texts(text, &blocks),
            vec!["Macron 🇫🇷", "", "Xi said.", "end"]
        );
        let starts: Vec<usize> = blocks.iter().map(|b| b.char_start).collect();
        // "Macron 🇫🇷" is 9 code points, then CR LF, then LF.
        assert_eq!(starts, vec![0, 11, 12, 21]);
        for b in &blocks {
            let chars_before = text[..b.bytes.start].chars().count();
            assert_eq!(chars_before, b.char_start);
            assert_eq!(text[b.bytes.clone()].chars().count(), b.chars);
        }
        assert_eq!(texts("", &split("")), vec![""]);
        assert_eq!(texts("a\n", &split("a\n")), vec!["a", ""]);
    }

    #[test]
    fn long_lines_are_cut_at_spaces_and_cover_everything() {
        let word = "Zelenskiy ";
        let text = word.repeat(2000) + "\n" + &"é".repeat(5000);
        let blocks = split(&text);
        assert!(blocks.iter().all(|b| b.bytes.len() <= MAX_BLOCK_BYTES));
        let joined: String = texts(&text, &blocks).concat();
        assert_eq!(joined, text.replace('\n', ""));
        assert!(
            blocks[0].bytes.end.is_multiple_of(word.len()),
            "cut after a space"
        );
        assert_eq!(block_at_byte(&blocks, 0), 0);
        assert_eq!(block_at_byte(&blocks, text.len()), blocks.len() - 1);
        let b5 = &blocks[5];
        assert_eq!(block_at_byte(&blocks, b5.bytes.start + 1), 5);
    }

    #[test]
    fn heights_sum_and_find_blocks() {
        let mut h = Heights::estimated([10.0, 20.0, 30.0]);
        assert_eq!(h.total(), 60.0);
        assert_eq!(h.top(2), 30.0);
        assert_eq!(h.index_at(0.0), 0);
        assert_eq!(h.index_at(29.9), 1);
        assert_eq!(h.index_at(30.0), 2);
        assert_eq!(h.index_at(1e6), 2);
        assert_eq!(h.set_exact(0, 15.0), 5.0);
        assert!(h.is_exact(0) && !h.is_exact(1));
        assert_eq!(h.top(1), 15.0);
        assert_eq!(h.total(), 65.0);
        assert_eq!(h.index_at(-5.0), 0);
    }
}
