//! The stamps file: what the freshness check before every search reads.
//!
//! Each commit writes, beside its JSON state (`state-<opstamp>.json`, the
//! truth for incremental builds: hashes, formats, paragraph counts), a
//! binary `stamps-<opstamp>.bin` holding only what the check compares:
//! every recorded corpus file's size and modification time, sorted by
//! path, and the settings files' stamps. Parsing the JSON state for this,
//! even borrowed and stamps only, took 1.3 ms of a cold search at 3,533
//! files and 14 ms at 40,400 (serde_json over 0.9 and 8 MB, then a hash
//! map of every path); this file is read with no parsing beyond bounds
//! checks, and compared with the walk, which is sorted the same way, in
//! one merge pass.
//!
//! Layout (integers little-endian):
//!
//! ```text
//! b"BGSTAMP1"  file count: u32  settings count: u32
//! per file, ascending by path bytes:   path len: u32, path, size: u64, mtime ns: u64
//! per settings file (manifest, themes): role len: u32, role, present: u8, size: u64, mtime ns: u64
//! ```
//!
//! A file that is missing, truncated or otherwise unreadable is not an
//! error: the check then reads the JSON state instead (indexes written
//! before this file existed have only that).

use super::layout::{self, CommitPayload, IndexState};
use crate::corpus::FileStamp;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

const MAGIC: &[u8; 8] = b"BGSTAMP1";

/// The recorded stamps of an index's corpus: files sorted by path bytes
/// (borrowed from the stamps file, or owned when read from the state).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RecordedStamps<'a> {
    pub files: Vec<(Cow<'a, [u8]>, FileStamp)>,
    /// `reports.toml` and the theme file, by role (`None`: absent).
    pub settings: BTreeMap<String, Option<FileStamp>>,
}

impl RecordedStamps<'static> {
    /// The stamps an [`IndexState`] records (reports and skipped files).
    pub fn of_state(state: &IndexState) -> RecordedStamps<'static> {
        let mut files: Vec<(Cow<'static, [u8]>, FileStamp)> = (state.reports.iter())
            .map(|(rel, report)| (rel, report.stamp))
            .chain(state.skipped.iter().map(|(rel, stamp)| (rel, *stamp)))
            .map(|(rel, stamp)| (Cow::Owned(rel.as_bytes().to_vec()), stamp))
            .collect();
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        files.dedup_by(|a, b| a.0 == b.0);
        RecordedStamps {
            files,
            settings: state.settings.clone(),
        }
    }
}

/// The recorded stamps the freshness check compares the corpus with: from
/// the commit's stamps file (see this module), or, where there is
/// none or it cannot be read, from its JSON state. The bytes it borrows
/// from are read into `buffer`.
pub fn read_recorded<'a>(
    dir: &Path,
    payload: &CommitPayload,
    buffer: &'a mut Vec<u8>,
) -> RecordedStamps<'a> {
    if let Some(name) = &payload.stamps_file
        && let Ok(bytes) = std::fs::read(dir.join(name))
    {
        *buffer = bytes;
        if let Some(recorded) = decode(buffer) {
            return recorded;
        }
    }
    RecordedStamps::of_state(&layout::read_state(dir, payload))
}

/// The stamps file's bytes for a state.
pub fn encode(state: &IndexState) -> Vec<u8> {
    let recorded = RecordedStamps::of_state(state);
    let paths: usize = recorded.files.iter().map(|(p, _)| p.len() + 20).sum();
    let mut out = Vec::with_capacity(16 + paths + 64);
    out.extend_from_slice(MAGIC);
    push_len(&mut out, recorded.files.len());
    push_len(&mut out, recorded.settings.len());
    for (path, stamp) in &recorded.files {
        push_len(&mut out, path.len());
        out.extend_from_slice(path);
        push_stamp(&mut out, *stamp);
    }
    for (role, stamp) in &recorded.settings {
        push_len(&mut out, role.len());
        out.extend_from_slice(role.as_bytes());
        out.push(u8::from(stamp.is_some()));
        push_stamp(&mut out, stamp.unwrap_or_default());
    }
    out
}

/// Read a stamps file's bytes; `None` when they are not one, whole.
pub fn decode(bytes: &[u8]) -> Option<RecordedStamps<'_>> {
    let mut reader = Reader { bytes, at: 0 };
    if reader.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let file_count = reader.len()?;
    let settings_count = reader.len()?;
    // Each entry takes at least 20 bytes: a count larger than the file
    // could hold is damage, not a reason to reserve memory for it.
    if file_count > bytes.len() / 20 {
        return None;
    }
    let mut files = Vec::with_capacity(file_count);
    for _ in 0..file_count {
        let len = reader.len()?;
        let path = reader.take(len)?;
        files.push((Cow::Borrowed(path), reader.stamp()?));
    }
    let mut settings = BTreeMap::new();
    for _ in 0..settings_count {
        let len = reader.len()?;
        let role = std::str::from_utf8(reader.take(len)?).ok()?.to_string();
        let present = reader.take(1)?[0] != 0;
        let stamp = reader.stamp()?;
        settings.insert(role, present.then_some(stamp));
    }
    if reader.at != bytes.len() {
        return None;
    }
    // The merge pass needs ascending, distinct paths; a file written by
    // `encode` has them, anything else is put in order rather than trusted.
    if !files.windows(2).all(|w| w[0].0 < w[1].0) {
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        files.dedup_by(|a, b| a.0 == b.0);
    }
    Some(RecordedStamps { files, settings })
}

fn push_len(out: &mut Vec<u8>, len: usize) {
    // Paths and counts beyond 4 GiB cannot occur in a corpus walk; they
    // would be cut, and the file then fail to decode (and be ignored).
    out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes());
}

fn push_stamp(out: &mut Vec<u8>, stamp: FileStamp) {
    out.extend_from_slice(&stamp.len.to_le_bytes());
    out.extend_from_slice(&stamp.mtime_ns.to_le_bytes());
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn len(&mut self) -> Option<usize> {
        let raw = u32::from_le_bytes(self.take(4)?.try_into().ok()?);
        usize::try_from(raw).ok()
    }

    fn stamp(&mut self) -> Option<FileStamp> {
        Some(FileStamp {
            len: self.u64()?,
            mtime_ns: self.u64()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::layout::ReportState;

    fn stamp(len: u64, mtime_ns: u64) -> FileStamp {
        FileStamp { len, mtime_ns }
    }

    fn sample() -> IndexState {
        let mut state = IndexState::default();
        for (rel, len) in [("b/报告.txt", 10), ("a.txt", 3), ("浙江/青田.pdf", 99)] {
            state.reports.insert(
                rel.to_string(),
                ReportState {
                    content_hash: "00".into(),
                    tags_hash: "11".into(),
                    paragraphs: 1,
                    stamp: stamp(len, len * 1_000_000_007),
                    format: "text".into(),
                },
            );
        }
        state.skipped.insert("b/空.txt".into(), stamp(0, 5));
        state
            .settings
            .insert("manifest".into(), Some(stamp(120, 42)));
        state.settings.insert("themes".into(), None);
        state
    }

    #[test]
    fn decoding_gives_back_what_the_state_records_in_path_order() {
        let state = sample();
        let bytes = encode(&state);
        let decoded = decode(&bytes).expect("a file encode wrote decodes");
        assert_eq!(decoded, RecordedStamps::of_state(&state));
        let paths: Vec<&[u8]> = decoded.files.iter().map(|(p, _)| p.as_ref()).collect();
        let expected: Vec<&[u8]> = vec![
            "a.txt".as_bytes(),
            "b/报告.txt".as_bytes(),
            "b/空.txt".as_bytes(),
            "浙江/青田.pdf".as_bytes(),
        ];
        assert_eq!(paths, expected);
        assert_eq!(decoded.files[2].1, stamp(0, 5));
        assert_eq!(decoded.settings["manifest"], Some(stamp(120, 42)));
        assert_eq!(decoded.settings["themes"], None);
    }

    #[test]
    fn an_empty_state_round_trips() {
        let bytes = encode(&IndexState::default());
        assert_eq!(decode(&bytes), Some(RecordedStamps::default()));
    }

    #[test]
    fn damaged_files_are_refused_not_misread() {
        let bytes = encode(&sample());
        // Every truncation, and anything appended, is refused.
        for cut in 0..bytes.len() {
            assert_eq!(decode(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer), None);
        let mut other = bytes.clone();
        other[0] = b'X';
        assert_eq!(decode(&other), None);
        // A count that the file cannot hold is refused before allocating.
        let mut huge = bytes;
        huge[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decode(&huge), None);
    }

    #[test]
    fn paths_out_of_order_are_sorted_rather_than_trusted() {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(MAGIC);
        push_len(&mut bytes, 2);
        push_len(&mut bytes, 0);
        for path in ["z.txt", "a.txt"] {
            push_len(&mut bytes, path.len());
            bytes.extend_from_slice(path.as_bytes());
            push_stamp(&mut bytes, stamp(1, 2));
        }
        let decoded = decode(&bytes).expect("well-formed");
        assert_eq!(decoded.files[0].0.as_ref(), b"a.txt");
        assert_eq!(decoded.files[1].0.as_ref(), b"z.txt");
    }
}
