//! Bytes typed into an SSH channel, read as key presses.
//!
//! A remote terminal sends what a local one would give a program on its
//! tty: UTF-8 text, control bytes and escape sequences. crossterm parses
//! those only from the process's own tty, so this small parser covers the
//! keys the client uses (text, Enter, Backspace, Tab, Esc, arrows, Home/End,
//! Delete, Page keys, F1–F12 and Ctrl-letters). Anything it does not know
//! is dropped rather than guessed, and a sequence split across two packets
//! is completed by the next one.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The longest escape sequence kept while waiting for its end; longer ones
/// are garbage (or an attack) and are thrown away.
const MAX_PENDING: usize = 16;

/// Turns channel data into key events, keeping an unfinished sequence.
#[derive(Debug, Default)]
pub struct KeyParser {
    pending: Vec<u8>,
}

impl KeyParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// The keys in `data`. A lone Esc at the end of a packet is the Esc key:
    /// terminals send a whole sequence in one write, so a packet that ends
    /// in Esc is someone pressing it.
    pub fn feed(&mut self, data: &[u8]) -> Vec<KeyEvent> {
        self.pending.extend_from_slice(data);
        let mut keys = Vec::new();
        let mut at = 0;
        while at < self.pending.len() {
            match parse_one(&self.pending[at..]) {
                Parsed::Key(key, used) => {
                    keys.extend(key);
                    at += used;
                }
                Parsed::Incomplete => break,
            }
        }
        self.pending.drain(..at);
        if self.pending == [0x1b] {
            keys.push(plain(KeyCode::Esc));
            self.pending.clear();
        } else if self.pending.len() > MAX_PENDING {
            self.pending.clear();
        }
        keys
    }
}

enum Parsed {
    /// A key (or `None` for bytes that mean nothing here) and the bytes used.
    Key(Option<KeyEvent>, usize),
    Incomplete,
}

fn plain(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn parse_one(bytes: &[u8]) -> Parsed {
    let Some(&first) = bytes.first() else {
        return Parsed::Incomplete;
    };
    let key = |code| Parsed::Key(Some(plain(code)), 1);
    match first {
        b'\r' | b'\n' => key(KeyCode::Enter),
        b'\t' => key(KeyCode::Tab),
        0x7f | 0x08 => key(KeyCode::Backspace),
        0x1b => parse_escape(bytes),
        // Ctrl-A … Ctrl-Z (Tab, Enter and Backspace were taken above).
        0x01..=0x1a => Parsed::Key(
            Some(KeyEvent::new(
                KeyCode::Char(char::from(b'a' + first - 1)),
                KeyModifiers::CONTROL,
            )),
            1,
        ),
        // NUL and Ctrl-\ … Ctrl-_: nothing the client uses.
        0x00 | 0x1c..=0x1f => Parsed::Key(None, 1),
        _ => parse_utf8(bytes),
    }
}

fn parse_utf8(bytes: &[u8]) -> Parsed {
    let len = match bytes[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        // A stray continuation or invalid lead byte.
        _ => return Parsed::Key(None, 1),
    };
    if bytes.len() < len {
        return Parsed::Incomplete;
    }
    match std::str::from_utf8(&bytes[..len])
        .ok()
        .and_then(|s| s.chars().next())
    {
        Some(c) => Parsed::Key(Some(plain(KeyCode::Char(c))), len),
        None => Parsed::Key(None, 1),
    }
}

fn parse_escape(bytes: &[u8]) -> Parsed {
    match bytes.get(1) {
        None => Parsed::Incomplete,
        Some(b'[') => parse_csi(bytes),
        Some(b'O') => match bytes.get(2) {
            None => Parsed::Incomplete,
            Some(&b) => Parsed::Key(ss3_key(b).map(plain), 3),
        },
        // Esc Esc: the first is a key on its own.
        Some(0x1b) => Parsed::Key(Some(plain(KeyCode::Esc)), 1),
        // Alt+key arrives as Esc then the key.
        Some(_) => match parse_one(&bytes[1..]) {
            Parsed::Key(key, used) => Parsed::Key(
                key.map(|k| KeyEvent::new(k.code, k.modifiers | KeyModifiers::ALT)),
                used + 1,
            ),
            Parsed::Incomplete => Parsed::Incomplete,
        },
    }
}

fn ss3_key(b: u8) -> Option<KeyCode> {
    Some(match b {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P' => KeyCode::F(1),
        b'Q' => KeyCode::F(2),
        b'R' => KeyCode::F(3),
        b'S' => KeyCode::F(4),
        _ => return None,
    })
}

/// `Esc [ params final`: params are digits and `;`, the final byte is
/// 0x40–0x7e.
fn parse_csi(bytes: &[u8]) -> Parsed {
    let Some(end) = bytes[2..].iter().position(|b| (0x40..=0x7e).contains(b)) else {
        if bytes[2..].iter().all(|b| (0x20..=0x3f).contains(b)) {
            return Parsed::Incomplete;
        }
        // Not a sequence after all: drop the Esc and read on.
        return Parsed::Key(None, 1);
    };
    let used = 2 + end + 1;
    let params = &bytes[2..2 + end];
    let final_byte = bytes[2 + end];
    let mut numbers = params.split(|b| *b == b';').map(|p| {
        std::str::from_utf8(p)
            .ok()
            .and_then(|s| s.parse::<u16>().ok())
    });
    let first = numbers.next().flatten();
    let modifiers = match numbers.next().flatten() {
        Some(m) if m > 1 => modifiers_of(m - 1),
        _ => KeyModifiers::NONE,
    };
    let code = match final_byte {
        b'A' => Some(KeyCode::Up),
        b'B' => Some(KeyCode::Down),
        b'C' => Some(KeyCode::Right),
        b'D' => Some(KeyCode::Left),
        b'H' => Some(KeyCode::Home),
        b'F' => Some(KeyCode::End),
        b'Z' => Some(KeyCode::BackTab),
        b'~' => first.and_then(tilde_key),
        _ => None,
    };
    Parsed::Key(code.map(|c| KeyEvent::new(c, modifiers)), used)
}

fn modifiers_of(bits: u16) -> KeyModifiers {
    let mut m = KeyModifiers::NONE;
    if bits & 1 != 0 {
        m |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        m |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        m |= KeyModifiers::CONTROL;
    }
    m
}

fn tilde_key(n: u16) -> Option<KeyCode> {
    Some(match n {
        1 | 7 => KeyCode::Home,
        2 => KeyCode::Insert,
        3 => KeyCode::Delete,
        4 | 8 => KeyCode::End,
        5 => KeyCode::PageUp,
        6 => KeyCode::PageDown,
        11..=15 => KeyCode::F((n - 10) as u8),
        17..=21 => KeyCode::F((n - 11) as u8),
        23 | 24 => KeyCode::F((n - 12) as u8),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(parser: &mut KeyParser, data: &[u8]) -> Vec<KeyCode> {
        parser.feed(data).into_iter().map(|k| k.code).collect()
    }

    #[test]
    fn text_and_editing_keys() {
        let mut p = KeyParser::new();
        assert_eq!(
            codes(&mut p, b"hi\r\x7f\t"),
            [
                KeyCode::Char('h'),
                KeyCode::Char('i'),
                KeyCode::Enter,
                KeyCode::Backspace,
                KeyCode::Tab
            ]
        );
    }

    #[test]
    fn utf8_split_across_packets() {
        let mut p = KeyParser::new();
        let e = "é".as_bytes();
        assert!(p.feed(&e[..1]).is_empty());
        assert_eq!(codes(&mut p, &e[1..]), [KeyCode::Char('é')]);
    }

    #[test]
    fn arrows_in_both_forms_and_split() {
        let mut p = KeyParser::new();
        assert_eq!(
            codes(&mut p, b"\x1b[A\x1bOB\x1b[C"),
            [KeyCode::Up, KeyCode::Down, KeyCode::Right]
        );
        assert!(p.feed(b"\x1b[").is_empty());
        assert_eq!(codes(&mut p, b"D"), [KeyCode::Left]);
    }

    #[test]
    fn esc_alone_at_the_end_of_a_packet_is_the_esc_key() {
        let mut p = KeyParser::new();
        assert_eq!(codes(&mut p, b"\x1b"), [KeyCode::Esc]);
        assert_eq!(codes(&mut p, b"\x1b\x1b"), [KeyCode::Esc, KeyCode::Esc]);
    }

    #[test]
    fn ctrl_letters_and_modified_keys() {
        let mut p = KeyParser::new();
        let keys = p.feed(b"\x03\x0c\x1b[1;5A\x1b[3~\x1b[11~\x1b[Z");
        assert_eq!(
            keys[0],
            KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
        );
        assert_eq!(
            keys[1],
            KeyEvent::new(KeyCode::Char('l'), KeyModifiers::CONTROL)
        );
        assert_eq!(keys[2], KeyEvent::new(KeyCode::Up, KeyModifiers::CONTROL));
        assert_eq!(keys[3].code, KeyCode::Delete);
        assert_eq!(keys[4].code, KeyCode::F(1));
        assert_eq!(keys[5].code, KeyCode::BackTab);
        assert_eq!(keys.len(), 6);
    }

    #[test]
    fn alt_key() {
        let mut p = KeyParser::new();
        assert_eq!(
            p.feed(b"\x1bx"),
            [KeyEvent::new(KeyCode::Char('x'), KeyModifiers::ALT)]
        );
    }

    #[test]
    fn garbage_is_dropped_and_never_grows_the_buffer() {
        let mut p = KeyParser::new();
        // Invalid UTF-8 and an endless CSI parameter run.
        assert!(p.feed(&[0xff, 0xfe, 0x80]).is_empty());
        let mut endless = b"\x1b[".to_vec();
        endless.extend(std::iter::repeat_n(b'1', 100));
        assert!(p.feed(&endless).is_empty());
        assert!(p.pending.len() <= MAX_PENDING);
        // The parser still reads what follows.
        assert_eq!(codes(&mut p, b"a"), [KeyCode::Char('a')]);
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut p = KeyParser::new();
        let mut x: u32 = 12345;
        for _ in 0..2000 {
            let chunk: Vec<u8> = (0..37)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (x >> 16) as u8
                })
                .collect();
            let _ = p.feed(&chunk);
            assert!(p.pending.len() <= MAX_PENDING);
        }
    }
}
