//! A minimal SphinxQL client: the part of the MySQL client/server protocol
//! (4.1) that a test needs to send a query to Sphinx's searchd and read
//! its rows — handshake without a password, COM_QUERY, text result sets,
//! OK and ERR packets. Enough for SELECT, SHOW META and SHOW WARNINGS;
//! not a general MySQL client.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Rows of a result set, as text (`None` for NULL).
#[derive(Debug, Default)]
pub struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
}

impl Rows {
    /// `SHOW META`-style rows as (name, value) pairs.
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.rows
            .iter()
            .filter_map(|r| {
                Some((
                    r.first()?.clone().unwrap_or_default(),
                    r.get(1)?.clone().unwrap_or_default(),
                ))
            })
            .collect()
    }

    pub fn value(&self, name: &str) -> Option<String> {
        self.pairs()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    pub fn column(&self, name: &str) -> Vec<Option<String>> {
        let Some(i) = self.columns.iter().position(|c| c == name) else {
            return Vec::new();
        };
        self.rows
            .iter()
            .map(|r| r.get(i).cloned().flatten())
            .collect()
    }
}

pub struct Connection {
    stream: TcpStream,
}

fn error(message: impl Into<String>) -> io::Error {
    io::Error::other(message.into())
}

impl Connection {
    pub fn connect(port: u16) -> io::Result<Connection> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        let mut connection = Connection { stream };
        let (_greeting, seq) = connection.read_packet()?;
        let mut response = Vec::new();
        // CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION
        response.extend_from_slice(&0x0000_8201u32.to_le_bytes());
        response.extend_from_slice(&(16u32 << 20).to_le_bytes());
        response.push(33); // utf8_general_ci
        response.extend_from_slice(&[0u8; 23]);
        response.extend_from_slice(b"test\0");
        response.push(0); // no auth response
        connection.write_packet(&response, seq.wrapping_add(1))?;
        let (ok, _) = connection.read_packet()?;
        if ok.first() == Some(&0xFF) {
            return Err(error(err_message(&ok)));
        }
        Ok(connection)
    }

    fn read_packet(&mut self) -> io::Result<(Vec<u8>, u8)> {
        let mut header = [0u8; 4];
        self.stream.read_exact(&mut header)?;
        let len = u32::from_le_bytes([header[0], header[1], header[2], 0]) as usize;
        let mut payload = vec![0u8; len];
        self.stream.read_exact(&mut payload)?;
        Ok((payload, header[3]))
    }

    fn write_packet(&mut self, payload: &[u8], seq: u8) -> io::Result<()> {
        let len = payload.len() as u32;
        let mut packet = len.to_le_bytes()[..3].to_vec();
        packet.push(seq);
        packet.extend_from_slice(payload);
        self.stream.write_all(&packet)
    }

    /// Run one statement; its rows (none for statements without a result
    /// set). A server error is an `Err` with its message.
    pub fn query(&mut self, sql: &str) -> io::Result<Rows> {
        let mut payload = vec![0x03];
        payload.extend_from_slice(sql.as_bytes());
        self.write_packet(&payload, 0)?;
        let (first, _) = self.read_packet()?;
        match first.first() {
            Some(0x00) => return Ok(Rows::default()),
            Some(0xFF) => return Err(error(err_message(&first))),
            _ => {}
        }
        let (count, _) = lenenc_int(&first, 0).ok_or_else(|| error("bad column count"))?;
        let mut rows = Rows::default();
        for _ in 0..count {
            let (def, _) = self.read_packet()?;
            // catalog, schema, table, org_table, name, …
            let mut at = 0;
            let mut name = String::new();
            for field in 0..5 {
                let (value, next) = lenenc_str(&def, at).ok_or_else(|| error("bad column"))?;
                if field == 4 {
                    name = value.unwrap_or_default();
                }
                at = next;
            }
            rows.columns.push(name);
        }
        let (eof, _) = self.read_packet()?;
        if eof.first() != Some(&0xFE) {
            return Err(error("expected EOF after columns"));
        }
        loop {
            let (row, _) = self.read_packet()?;
            match row.first() {
                Some(0xFE) if row.len() < 9 => break,
                Some(0xFF) => return Err(error(err_message(&row))),
                _ => {}
            }
            let mut at = 0;
            let mut values = Vec::with_capacity(count as usize);
            for _ in 0..count {
                let (value, next) = lenenc_str(&row, at).ok_or_else(|| error("bad row"))?;
                values.push(value);
                at = next;
            }
            rows.rows.push(values);
        }
        Ok(rows)
    }
}

fn err_message(packet: &[u8]) -> String {
    // 0xFF, code (2), '#', SQL state (5), message
    let start = if packet.get(3) == Some(&b'#') { 9 } else { 3 };
    String::from_utf8_lossy(packet.get(start..).unwrap_or(&[])).into_owned()
}

fn lenenc_int(b: &[u8], at: usize) -> Option<(u64, usize)> {
    let first = *b.get(at)?;
    let read = |n: usize| -> Option<u64> {
        let mut v = 0u64;
        for i in 0..n {
            v |= u64::from(*b.get(at + 1 + i)?) << (8 * i);
        }
        Some(v)
    };
    Some(match first {
        0..=0xFA => (u64::from(first), at + 1),
        0xFC => (read(2)?, at + 3),
        0xFD => (read(3)?, at + 4),
        0xFE => (read(8)?, at + 9),
        _ => return None,
    })
}

fn lenenc_str(b: &[u8], at: usize) -> Option<(Option<String>, usize)> {
    if *b.get(at)? == 0xFB {
        return Some((None, at + 1));
    }
    let (len, start) = lenenc_int(b, at)?;
    let end = start.checked_add(len as usize)?;
    Some((
        Some(String::from_utf8_lossy(b.get(start..end)?).into_owned()),
        end,
    ))
}
