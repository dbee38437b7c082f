//! Collecting a query's hits on every core, a segment split into ranges of
//! documents once it proves to be slow.
//!
//! A full build merges its index into one segment (fewer per-segment
//! lookups for every query), and tantivy collects a segment on one thread,
//! so a query that must visit a large hit set — scoring it, checking its
//! phrases' positions, counting its facets — would leave every other core
//! idle. Here each segment is collected from its first document on the
//! calling thread; when that has taken [`SPLIT_AFTER`] and the part of
//! the segment still ahead looks worth it, the rest is cut into ranges of
//! document ids, one per core, and each range after the first is collected
//! on a thread of its own, with its own scorer (moved to the range's first
//! document by `seek`) and its own segment collector. The collector then
//! merges the ranges' fruits as it merges segments'. (Lucene 10 splits
//! segments in the same way, "intra-segment concurrency".)
//!
//! The decision is made by watching the work rather than by predicting it:
//! tantivy's cost estimate for a phrase assumes its bigrams independent and
//! comes out hundreds of times too small for words that go together
//! (中华人民共和国: 6,240 against 53,730 hits), and a narrow intersection of
//! two large terms (教育 county:青田县) has a large estimate but little
//! work; splitting that one cost more than it took (0.13 → 0.42 ms).
//! Searches that finish within [`SPLIT_AFTER`] never start a thread.
//!
//! Results do not depend on where or whether a segment is split: a hit's
//! score comes from its own postings whichever range it is in, ranking
//! breaks ties by file and paragraph (never by document id), and counts
//! add.

use std::thread::ScopedJoinHandle;
use std::time::{Duration, Instant};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query, Scorer, Weight};
use tantivy::{DocId, Searcher, SegmentOrdinal, SegmentReader, TERMINATED};

/// How long a segment is collected on one thread before the rest of it
/// may be split: a few times what starting a thread and a second scorer
/// costs on this kind of machine (about 0.1 ms).
const SPLIT_AFTER: Duration = Duration::from_micros(300);

/// The rest of a segment is split only when at least this much work seems
/// to be left (at the pace so far).
const MIN_WORK_LEFT: Duration = Duration::from_micros(600);

/// Documents a range must span at least.
const MIN_RANGE_DOCS: u32 = 4_096;

/// Steps of a walk between two looks at the clock: hits when scoring,
/// blocks of 64 hits when not.
const CHECK_EVERY: u32 = 64;

/// Threads to split a segment across: one per core, at most 8.
fn threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, usize::from)
            .clamp(1, 8)
    })
}

/// When segments are split across threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Splitting {
    /// When a segment proves slow (see the module documentation).
    #[default]
    Adaptive,
    /// Never: every segment on the calling thread.
    Never,
    /// Every segment, at its first hit, into three ranges however small,
    /// whatever the number of cores: for tests, which compare it with
    /// [`Splitting::Never`] on corpora too small to be split otherwise.
    Always,
}

impl Splitting {
    fn as_code(self) -> u8 {
        match self {
            Splitting::Adaptive => 0,
            Splitting::Never => 1,
            Splitting::Always => 2,
        }
    }

    fn from_code(code: u8) -> Splitting {
        match code {
            1 => Splitting::Never,
            2 => Splitting::Always,
            _ => Splitting::Adaptive,
        }
    }
}

/// A [`Splitting`] that can be changed while searches run (the engine's).
#[derive(Debug, Default)]
pub struct SplittingSetting(std::sync::atomic::AtomicU8);

impl SplittingSetting {
    pub fn get(&self) -> Splitting {
        Splitting::from_code(self.0.load(std::sync::atomic::Ordering::Relaxed))
    }

    pub fn set(&self, splitting: Splitting) {
        self.0
            .store(splitting.as_code(), std::sync::atomic::Ordering::Relaxed);
    }
}

/// Decides, while a segment is walked, whether to split what is left.
struct Splitter {
    splitting: Splitting,
    threads: usize,
    started: Instant,
    /// How long the segment's scorer took to make: each other range must
    /// make its own before it starts.
    setup: Duration,
    seen: u32,
    done: bool,
}

impl Splitter {
    fn new(splitting: Splitting, setup: Duration) -> Splitter {
        // Adaptive: the cores are counted only when a split is due (it
        // reads files; most searches never split).
        let threads = match splitting {
            Splitting::Adaptive => usize::MAX,
            Splitting::Never => 1,
            Splitting::Always => 3,
        };
        Splitter {
            splitting,
            threads,
            started: Instant::now(),
            setup,
            seen: 0,
            done: threads <= 1,
        }
    }

    /// Called with the walk at `doc` of a range ending at `end`: where to
    /// cut the rest, if now is the time — the new end of this walk and
    /// the ranges for other threads.
    fn cut(&mut self, doc: DocId, end: DocId) -> Option<(DocId, Vec<(DocId, DocId)>)> {
        self.seen += 1;
        if self.done {
            return None;
        }
        if self.splitting == Splitting::Always {
            self.done = true;
            return Self::ranges(doc, end, self.threads as u64);
        }
        if !self.seen.is_multiple_of(CHECK_EVERY) {
            return None;
        }
        let elapsed = self.started.elapsed();
        if elapsed < SPLIT_AFTER {
            return None;
        }
        self.done = true;
        self.threads = self.threads.min(threads());
        let walked = u64::from(doc).max(1);
        let left = u64::from(end.saturating_sub(doc));
        let ranges = (left / u64::from(MIN_RANGE_DOCS)).min(self.threads as u64);
        let work_left = elapsed.mul_f64(left as f64 / walked as f64);
        // Split, the rest takes the setup of a scorer and a share of the
        // work on each thread: worth it only where that saves enough.
        let saved = work_left.saturating_sub(work_left / ranges.max(1) as u32 + self.setup);
        if ranges < 2 || work_left < MIN_WORK_LEFT || saved < MIN_WORK_LEFT / 2 {
            return None;
        }
        Self::ranges(doc, end, ranges)
    }

    /// `doc..end` cut into `ranges` ranges (fewer if it is shorter): the
    /// end of the first, and the others.
    fn ranges(doc: DocId, end: DocId, ranges: u64) -> Option<(DocId, Vec<(DocId, DocId)>)> {
        let left = u64::from(end.saturating_sub(doc));
        let ranges = ranges.min(left);
        if ranges < 2 {
            return None;
        }
        let bound = |i: u64| (u64::from(doc) + left * i / ranges) as DocId;
        let others = (1..ranges).map(|i| (bound(i), bound(i + 1))).collect();
        Some((bound(1), others))
    }
}

/// Search `query` with `collector`, as `Searcher::search` does, splitting
/// slow segments across threads (see the module documentation). The
/// collector's `merge_fruits` receives a fruit per range.
pub fn search<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    splitting: Splitting,
) -> tantivy::Result<C::Fruit> {
    let with_scores = collector.requires_scoring();
    let scoring = if with_scores {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight = query.weight(scoring)?;
    let weight = weight.as_ref();
    let fruits = std::thread::scope(|scope| {
        let mut others = Vec::new();
        let mut fruits = Vec::new();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let segment = ord as SegmentOrdinal;
            let mut child = collector.for_segment(segment, reader)?;
            let started = Instant::now();
            let scorer = weight.scorer(reader, 1.0)?;
            let setup = started.elapsed();
            let mut spawn = |start, end| {
                others.push(scope.spawn(move || {
                    let mut child = collector.for_segment(segment, reader)?;
                    let scorer = seek(weight.scorer(reader, 1.0)?, start);
                    feed(&mut child, scorer, reader, end, with_scores, None);
                    Ok(child.harvest())
                }));
            };
            let mut splitter = Splitter::new(splitting, setup);
            feed(
                &mut child,
                scorer,
                reader,
                reader.max_doc(),
                with_scores,
                Some((&mut splitter, &mut spawn)),
            );
            fruits.push(child.harvest());
        }
        fruits.extend(join_all(others)?);
        Ok::<_, tantivy::TantivyError>(fruits)
    })?;
    collector.merge_fruits(fruits)
}

/// How many documents `weight` matches in each segment, deleted documents
/// excepted, counting a slow segment on every core. A segment that is not
/// split is counted by the scorer's own `count`, which for a single term
/// in a segment without deletions is its document frequency, read at once
/// — so `splittable: false` asks for that where it is known to apply.
pub fn count(
    searcher: &Searcher,
    weight: &dyn Weight,
    splittable: bool,
    splitting: Splitting,
) -> tantivy::Result<Vec<u64>> {
    let readers = searcher.segment_readers();
    let never =
        splitting == Splitting::Never || (splitting == Splitting::Adaptive && threads() <= 1);
    if !splittable || never {
        return readers
            .iter()
            .map(|reader| Ok(u64::from(weight.count(reader)?)))
            .collect();
    }
    std::thread::scope(|scope| {
        let mut counts = Vec::with_capacity(readers.len());
        let mut others: Vec<Vec<ScopedJoinHandle<tantivy::Result<u64>>>> = Vec::new();
        for reader in readers {
            let mut mine = Vec::new();
            let mut spawn = |start, end| {
                mine.push(scope.spawn(move || {
                    let scorer = seek(weight.scorer(reader, 1.0)?, start);
                    Ok(count_range(scorer, reader, end, false, None))
                }));
            };
            let started = Instant::now();
            let scorer = weight.scorer(reader, 1.0)?;
            let setup = started.elapsed();
            // A scorer that took long to make (a one-character term: the
            // union of hundreds of postings, gathered into a bit set when
            // it is made) counts its bits at once, and would have to be
            // made again for every range: it is not split.
            let split = if setup < SPLIT_AFTER {
                Some(Splitter::new(splitting, setup))
            } else {
                None
            };
            let mut splitter = split;
            let split = splitter
                .as_mut()
                .map(|s| (s, &mut spawn as &mut dyn FnMut(DocId, DocId)));
            counts.push(count_range(scorer, reader, reader.max_doc(), true, split));
            others.push(mine);
        }
        for (count, handles) in counts.iter_mut().zip(others) {
            *count += join_all(handles)?.into_iter().sum::<u64>();
        }
        Ok(counts)
    })
}

/// Where a walk may hand the rest of its range to other threads: the
/// splitter that decides, and what starts a thread on a range.
type Split<'a> = Option<(&'a mut Splitter, &'a mut dyn FnMut(DocId, DocId))>;

/// A scorer moved to the first document at or after `start`.
fn seek(mut scorer: Box<dyn Scorer>, start: DocId) -> Box<dyn Scorer> {
    if scorer.doc() < start {
        scorer.seek(start);
    }
    scorer
}

/// Give `child` every live document of the scorer before `end`, scored
/// or (a block at a time) not, handing the rest to other threads when the
/// splitter says so.
fn feed<S: SegmentCollector>(
    child: &mut S,
    mut scorer: Box<dyn Scorer>,
    reader: &SegmentReader,
    mut end: DocId,
    with_scores: bool,
    mut split: Split,
) {
    let alive = reader.alive_bitset();
    maybe_split(&mut split, scorer.doc(), &mut end);
    if with_scores {
        let mut doc = scorer.doc();
        while doc < end {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                child.collect(doc, scorer.score());
            }
            doc = scorer.advance();
            maybe_split(&mut split, doc, &mut end);
        }
        return;
    }
    let mut buffer = [0 as DocId; tantivy::COLLECT_BLOCK_BUFFER_LEN];
    loop {
        let filled = scorer.fill_buffer(&mut buffer);
        let within = buffer[..filled].partition_point(|&doc| doc < end);
        let docs = &buffer[..within];
        match alive {
            None if !docs.is_empty() => child.collect_block(docs),
            None => {}
            Some(alive) => {
                for &doc in docs {
                    if alive.is_alive(doc) {
                        child.collect(doc, 0.0);
                    }
                }
            }
        }
        if within < filled || filled < buffer.len() {
            return;
        }
        maybe_split(&mut split, scorer.doc(), &mut end);
    }
}

/// Count the scorer's live documents before `end`, handing the rest to
/// other threads when the splitter says so; a whole segment, never
/// split, by the scorer's own count.
fn count_range(
    mut scorer: Box<dyn Scorer>,
    reader: &SegmentReader,
    mut end: DocId,
    whole: bool,
    mut split: Split,
) -> u64 {
    let alive = reader.alive_bitset();
    if whole && split.is_none() {
        return u64::from(match alive {
            Some(alive) => scorer.count(alive),
            None => scorer.count_including_deleted(),
        });
    }
    let mut n = 0u64;
    let mut doc = scorer.doc();
    maybe_split(&mut split, doc, &mut end);
    while doc < end {
        n += u64::from(alive.is_none_or(|a| a.is_alive(doc)));
        doc = scorer.advance();
        maybe_split(&mut split, doc, &mut end);
    }
    n
}

/// Ask the splitter whether to cut the walk at `doc`; if so, shorten
/// `end` and start the other ranges.
fn maybe_split(split: &mut Split, doc: DocId, end: &mut DocId) {
    if doc == TERMINATED {
        return;
    }
    if let Some((splitter, spawn)) = split
        && let Some((new_end, others)) = splitter.cut(doc, *end)
    {
        *end = new_end;
        for (start, stop) in others {
            spawn(start, stop);
        }
    }
}

/// The results of the threads, in order; a panic in one is raised again
/// here, as it would have been on one thread.
fn join_all<T>(handles: Vec<ScopedJoinHandle<'_, tantivy::Result<T>>>) -> tantivy::Result<Vec<T>> {
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        match handle.join() {
            Ok(result) => out.push(result?),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
    Ok(out)
}
