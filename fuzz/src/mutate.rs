//! Tampering with an exported log: byte edits chosen by the fuzzer, line edits, and edits
//! that are meant to leave the entries unchanged (JSON whitespace, `\uXXXX` escapes, keys
//! re-ordered, `\r\n` line ends).

use arbitrary::Arbitrary;

/// One edit of the log text. Positions are taken modulo the current length.
#[derive(Debug, Clone, Arbitrary)]
pub enum Mutation {
    /// Overwrite one byte.
    SetByte { pos: u32, byte: u8 },
    /// Insert one byte.
    InsertByte { pos: u32, byte: u8 },
    /// Delete up to `len + 1` bytes.
    DeleteBytes { pos: u32, len: u8 },
    /// Overwrite the `nth` ASCII digit of the text with another digit.
    SetDigit { nth: u32, digit: u8 },
    /// Insert a space, tab, `\r`, `\n` or `\r\n`.
    InsertWhitespace { pos: u32, which: u8 },
    /// Replace the first ASCII letter or digit at or after `pos` with its JSON escape `\u00XX`.
    EscapeChar { pos: u32 },
    /// Delete a line.
    DeleteLine { line: u8 },
    /// Repeat a line right after itself.
    DuplicateLine { line: u8 },
    /// Swap two lines.
    SwapLines { a: u8, b: u8 },
    /// Move a line elsewhere.
    MoveLine { from: u8, to: u8 },
    /// Re-encode a line through `serde_json::Value` (keys come out sorted).
    ReencodeLine { line: u8 },
    /// Cut the text at a byte.
    TruncateAt { pos: u32 },
}

/// The edits to make; at most 8 are applied.
#[derive(Debug, Clone, Arbitrary)]
pub struct Mutations(pub Vec<Mutation>);

fn at(pos: u32, len: usize) -> usize {
    if len == 0 { 0 } else { pos as usize % len }
}

fn lines_of(text: &[u8]) -> Vec<Vec<u8>> {
    text.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
}

fn join(lines: Vec<Vec<u8>>) -> Vec<u8> {
    lines.join(&b'\n')
}

impl Mutation {
    /// Applies the edit to `text`.
    pub fn apply(&self, text: &mut Vec<u8>) {
        let len = text.len();
        match *self {
            Mutation::SetByte { pos, byte } => {
                if len > 0 {
                    text[at(pos, len)] = byte;
                }
            }
            Mutation::InsertByte { pos, byte } => text.insert(at(pos, len + 1), byte),
            Mutation::DeleteBytes { pos, len: n } => {
                if len > 0 {
                    let start = at(pos, len);
                    let end = (start + n as usize + 1).min(len);
                    text.drain(start..end);
                }
            }
            Mutation::SetDigit { nth, digit } => {
                let digits: Vec<usize> = (0..len).filter(|&i| text[i].is_ascii_digit()).collect();
                if !digits.is_empty() {
                    text[digits[at(nth, digits.len())]] = b'0' + digit % 10;
                }
            }
            Mutation::InsertWhitespace { pos, which } => {
                let ws: &[u8] = match which % 5 {
                    0 => b" ",
                    1 => b"\t",
                    2 => b"\r",
                    3 => b"\n",
                    _ => b"\r\n",
                };
                let p = at(pos, len + 1);
                text.splice(p..p, ws.iter().copied());
            }
            Mutation::EscapeChar { pos } => {
                if len > 0 {
                    let start = at(pos, len);
                    if let Some(i) = (start..len).find(|&i| text[i].is_ascii_alphanumeric()) {
                        let esc = format!("\\u{:04x}", text[i]);
                        text.splice(i..=i, esc.bytes());
                    }
                }
            }
            Mutation::DeleteLine { line } => {
                let mut lines = lines_of(text);
                lines.remove(at(line.into(), lines.len()));
                *text = join(lines);
            }
            Mutation::DuplicateLine { line } => {
                let mut lines = lines_of(text);
                let i = at(line.into(), lines.len());
                lines.insert(i, lines[i].clone());
                *text = join(lines);
            }
            Mutation::SwapLines { a, b } => {
                let mut lines = lines_of(text);
                let n = lines.len();
                lines.swap(at(a.into(), n), at(b.into(), n));
                *text = join(lines);
            }
            Mutation::MoveLine { from, to } => {
                let mut lines = lines_of(text);
                let l = lines.remove(at(from.into(), lines.len()));
                let to = at(to.into(), lines.len() + 1);
                lines.insert(to, l);
                *text = join(lines);
            }
            Mutation::ReencodeLine { line } => {
                let mut lines = lines_of(text);
                let i = at(line.into(), lines.len());
                if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&lines[i]) {
                    lines[i] = serde_json::to_vec(&v).expect("a JSON value serializes");
                    *text = join(lines);
                }
            }
            Mutation::TruncateAt { pos } => text.truncate(at(pos, len + 1)),
        }
    }
}

impl Mutations {
    /// Applies the first 8 edits in order.
    pub fn apply(&self, text: &mut Vec<u8>) {
        for m in self.0.iter().take(8) {
            m.apply(text);
        }
    }
}
