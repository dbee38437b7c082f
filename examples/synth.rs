//! A synthetic corpus for measuring at scale: N megabytes of report-like
//! text, learnt from real text, so that anyone can benchmark at 1 GB
//! without shipping 1 GB.
//!
//! The model is word-level: jieba words of the source paragraphs, and for
//! each word the words that followed it (a first-order Markov chain), so
//! generated paragraphs have the vocabulary, word frequencies and
//! co-occurrences of real reports — posting lists look real — but are not
//! copies of real paragraphs. Reports get the structure of a county
//! education bureau's annual report (a title naming the county and year,
//! a review section and a plan section with numbered sub-sections) and are
//! spread over the gazetteer's counties and the years 2010–2025. The same
//! seed and sources give the same corpus, byte for byte.
//!
//! A development tool, not part of baogao:
//!
//! ```sh
//! cargo run --release --example synth -- --out /tmp/synth --mb 1024 [--seed 1] [--from DIR]…
//! ```
//!
//! By default it learns from `corpus/` and, where present,
//! `../shared/corpus/national` (reports, not laws: the same genre).

#[path = "../tests/common/rng.rs"]
mod rng;

use baogao::analysis::words;
use baogao::corpus::{self, tags::Tagger, tags::gazetteer};
use baogao::error::{Error, Result};
use clap::Parser;
use rng::Rng;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Training stops after this much source text.
const MAX_TRAINING_BYTES: usize = 32 << 20;

/// Write a synthetic corpus learnt from real reports.
#[derive(Debug, Parser)]
struct Args {
    /// Where to write the reports
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// How much text to write, in MiB
    #[arg(long, value_name = "N", default_value_t = 64)]
    mb: u64,
    /// Random seed: the same seed and sources give the same corpus
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Corpora to learn from (default: corpus/, and ../shared/corpus/national if present)
    #[arg(long = "from", value_name = "DIR")]
    from: Vec<PathBuf>,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let mut sources = args.from.clone();
    if sources.is_empty() {
        sources.push("corpus".into());
        let national = PathBuf::from("../shared/corpus/national");
        if national.is_dir() {
            sources.push(national);
        }
    }
    let sources: Vec<&Path> = sources.iter().map(PathBuf::as_path).collect();
    let started = std::time::Instant::now();
    let outcome = Model::learn(&sources).and_then(|m| generate(&m, &args.out, args.mb, args.seed));
    match outcome {
        Ok((files, bytes)) => {
            println!(
                "{files} files, {:.1} MiB in {} ({:.1} s)",
                bytes as f64 / (1 << 20) as f64,
                args.out.display(),
                started.elapsed().as_secs_f64()
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("synth: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

/// The word model.
struct Model {
    words: Vec<String>,
    /// successors[w] are the ids of the words that followed word w, one
    /// entry per occurrence (so sampling follows their frequencies).
    successors: Vec<Vec<u32>>,
    /// Ids of paragraph-initial words.
    starts: Vec<u32>,
    /// Ids of sentence-ending punctuation (。；！？).
    enders: Vec<u32>,
}

impl Model {
    /// Learn from the paragraphs of the reports under `sources`.
    fn learn(sources: &[&Path]) -> Result<Model> {
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut words_list: Vec<String> = Vec::new();
        let mut successors: Vec<Vec<u32>> = Vec::new();
        let mut starts = Vec::new();
        let mut intern =
            |w: &str, words_list: &mut Vec<String>, successors: &mut Vec<Vec<u32>>| -> u32 {
                if let Some(&id) = index.get(w) {
                    return id;
                }
                let id = words_list.len() as u32;
                index.insert(w.to_string(), id);
                words_list.push(w.to_string());
                successors.push(Vec::new());
                id
            };
        let mut seen_bytes = 0usize;
        'sources: for source in sources {
            let tagger = Tagger::for_corpus(source, None)?;
            for file in corpus::walk(source)?.files {
                let Ok(report) = corpus::load_report(&file, &tagger) else {
                    continue;
                };
                for record in &report.paragraphs {
                    let text = &record.paragraph.text;
                    if text.chars().count() < 20 {
                        continue;
                    }
                    let tokens = words::cut(text);
                    let mut previous: Option<u32> = None;
                    for token in tokens {
                        let id = intern(token, &mut words_list, &mut successors);
                        match previous {
                            Some(prev) => successors[prev as usize].push(id),
                            None => starts.push(id),
                        }
                        previous = Some(id);
                    }
                    seen_bytes += text.len();
                    if seen_bytes >= MAX_TRAINING_BYTES {
                        break 'sources;
                    }
                }
            }
        }
        if starts.is_empty() {
            return Err(Error::Invalid("no source text to learn from".into()));
        }
        let enders = ["。", "；", "！", "？"]
            .iter()
            .filter_map(|p| words_list.iter().position(|w| w == p).map(|i| i as u32))
            .collect();
        Ok(Model {
            words: words_list,
            successors,
            starts,
            enders,
        })
    }

    /// A paragraph of about `target` characters.
    fn paragraph(&self, rng: &mut Rng, target: usize, out: &mut String) {
        let mut word = self.starts[rng.below(self.starts.len())];
        let start_len = out.len();
        let mut chars = 0usize;
        loop {
            let text = &self.words[word as usize];
            out.push_str(text);
            chars += text.chars().count();
            let at_end = self.enders.contains(&word);
            if at_end && chars >= target {
                break;
            }
            if chars > target * 3 {
                out.push('。');
                break;
            }
            let next = &self.successors[word as usize];
            word = if next.is_empty() || (at_end && rng.below(4) == 0) {
                self.starts[rng.below(self.starts.len())]
            } else {
                next[rng.below(next.len())]
            };
        }
        debug_assert!(out.len() > start_len);
    }

    /// A short heading phrase.
    fn phrase(&self, rng: &mut Rng, out: &mut String) {
        let mut word = self.starts[rng.below(self.starts.len())];
        let mut chars = 0;
        while chars < 8 {
            let text = &self.words[word as usize];
            if text.chars().all(|c| c.is_alphanumeric()) {
                out.push_str(text);
                chars += text.chars().count();
            }
            let next = &self.successors[word as usize];
            if next.is_empty() {
                break;
            }
            word = next[rng.below(next.len())];
        }
    }
}

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// Write about `megabytes` MB of synthetic reports under `out`; returns
/// (files, bytes) written.
fn generate(model: &Model, out: &Path, megabytes: u64, seed: u64) -> Result<(u64, u64)> {
    let g = gazetteer::gazetteer();
    let counties: Vec<usize> = (0..g.divisions.len())
        .filter(|&i| g.divisions[i].level == gazetteer::Level::County)
        .collect();
    let mut rng = Rng::new(seed.max(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let target = megabytes << 20;
    let (mut files, mut bytes) = (0u64, 0u64);
    let mut text = String::with_capacity(64 << 10);
    while bytes < target {
        let county = counties[rng.below(counties.len())];
        let year = 2010 + rng.below(16) as i32;
        let city = g
            .ancestor(county, gazetteer::Level::City)
            .map(|c| g.name(c))
            .unwrap_or("");
        let province = g
            .ancestor(county, gazetteer::Level::Province)
            .map(|p| g.name(p))
            .unwrap_or("");
        let name = g.name(county);
        text.clear();
        text.push_str(&format!(
            "{name}教育局{year}年工作总结和{}年工作思路\n",
            year + 1
        ));
        model.paragraph(&mut rng, 120, &mut text);
        text.push('\n');
        for (part, (heading_year, words)) in [(year, "工作总结"), (year + 1, "工作思路")]
            .iter()
            .enumerate()
        {
            text.push_str(&format!("{}、{heading_year}年{words}\n", NUMERALS[part]));
            let sections = 3 + rng.below(5);
            for numeral in &NUMERALS[..sections] {
                text.push_str(&format!("({numeral})"));
                model.phrase(&mut rng, &mut text);
                text.push('\n');
                for _ in 0..(2 + rng.below(5)) {
                    if rng.below(6) == 0 {
                        text.push_str(name);
                    }
                    let length = 60 + rng.below(240);
                    model.paragraph(&mut rng, length, &mut text);
                    text.push('\n');
                }
            }
        }
        let dir = out.join(province).join(city);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let path = dir.join(format!("{name}-{year}-{files:06}.txt"));
        let mut file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        file.write_all(text.as_bytes())
            .map_err(|e| Error::io(&path, e))?;
        files += 1;
        bytes += text.len() as u64;
    }
    Ok((files, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_report_shaped() {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let model = Model::learn(&[&root]).expect("model");
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (files, bytes) = generate(&model, a.path(), 1, 7).unwrap();
        generate(&model, b.path(), 1, 7).unwrap();
        assert!(
            files >= 10 && bytes >= 1 << 20,
            "{files} files, {bytes} bytes"
        );
        let list = |d: &Path| {
            let mut v: Vec<_> = corpus::walk(d)
                .unwrap()
                .files
                .into_iter()
                .map(|f| f.rel)
                .collect();
            v.sort();
            v
        };
        assert_eq!(list(a.path()), list(b.path()));
        let first = &corpus::walk(a.path()).unwrap().files[0];
        let text_a = std::fs::read_to_string(&first.path).unwrap();
        let text_b = std::fs::read_to_string(b.path().join(&first.rel)).unwrap();
        assert_eq!(text_a, text_b);
        assert!(
            text_a.contains("一、") && text_a.contains("二、") && text_a.contains("年工作思路")
        );
        // Learnt, not copied: no generated paragraph of some length is a
        // paragraph of the source.
        let source: std::collections::HashSet<String> = std::fs::read_dir(&root)
            .unwrap()
            .flat_map(|e| {
                std::fs::read_to_string(e.unwrap().path())
                    .unwrap_or_default()
                    .lines()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        let long: Vec<&str> = text_a.lines().filter(|l| l.chars().count() > 80).collect();
        assert!(!long.is_empty());
        assert!(long.iter().filter(|l| source.contains(**l)).count() * 10 < long.len());
    }
}
