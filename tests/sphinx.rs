//! baogao's export in a real distributed engine: two Sphinx shards on this
//! machine (deploy/sphinx/), a distributed index over both, queried through
//! SphinxQL — the counts must be baogao's exactly, the top hits must hold
//! the query, and a stopped shard must be reported, not silently dropped.
//!
//! Runs where Sphinx's `indexer` and `searchd` are installed (`apt-get
//! install sphinxsearch`); elsewhere it says it is skipped. The corpus is
//! corpus/ plus, where ../shared exists, the 52 national reports.

mod common;
#[path = "common/sphinxql.rs"]
mod sphinxql;

use baogao::analysis::normalize::normalize;
use baogao::output::export::sphinx_match;
use common::{Workspace, json_lines};
use std::path::Path;
use std::process::Command;

fn installed(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The two-shard cluster, stopped when dropped.
struct Cluster {
    script: std::path::PathBuf,
    work: std::path::PathBuf,
    sql_port: u16,
}

impl Cluster {
    fn run(&self, args: &[&str], ws: &Workspace, base: u16) {
        let status = Command::new("bash")
            .arg(&self.script)
            .args(args)
            .env("BAOGAO", assert_cmd::cargo::cargo_bin("baogao"))
            .env("BAOGAO_INDEX", ws.index())
            .env("PORT_BASE", base.to_string())
            .current_dir(ws.dir.path())
            .status()
            .expect("cluster.sh");
        assert!(status.success(), "cluster.sh {args:?}");
    }

    fn stop(&self, shard: Option<&str>) {
        let mut cmd = Command::new("bash");
        cmd.arg(&self.script).arg("stop").arg(&self.work);
        if let Some(shard) = shard {
            cmd.arg(shard);
        }
        let _ = cmd.status();
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop(None);
    }
}

/// A query: its terms, and optionally a province and a range of years.
type Case = (String, Option<&'static str>, Option<(i32, i32)>);

/// Queries: two-character words to long phrases, Latin and digits,
/// punctuation, several terms, with province and year filters.
fn queries(national: bool) -> Vec<Case> {
    let mut out: Vec<Case> = Vec::new();
    let plain = [
        "教育",
        "学前",
        "双减",
        "改革",
        "发展",
        "就业",
        "经济",
        "普惠",
        "党建",
        "校园",
        "学前教育",
        "义务教育",
        "县中崛起",
        "教共体",
        "教师队伍",
        "优质均衡",
        "课后服务",
        "民办教育",
        "乡村振兴",
        "人民代表大会",
        "中华人民共和国",
        "全面建成小康社会",
        "义务教育优质均衡发展",
        "推进教育现代化",
        "2024年",
        "2023",
        "1350",
        "C9",
        "5G",
        "（一）",
        "“双减”",
        "百分之",
        "99.29%",
        "教育 普惠",
        "学前教育 民办",
        "双减 课后服务",
        "改革 开放",
        "科技 创新",
        "国有企业",
        "社会主义",
        "基础设施",
        "生态环境",
        "高质量发展",
        "十四五",
        "十三五",
    ];
    for q in plain {
        out.push((q.to_string(), None, None));
    }
    for (q, province) in [
        ("教育", "浙江省"),
        ("学前教育", "浙江省"),
        ("发展", "全国"),
        ("改革", "全国"),
    ] {
        if province == "全国" && !national {
            continue;
        }
        out.push((q.to_string(), Some(province), None));
    }
    for (q, years) in [
        ("教育", (2020, 2023)),
        ("发展", (2015, 2015)),
        ("学前教育", (2024, 2025)),
        ("经济", (1990, 2000)),
        ("改革", (2010, 2020)),
    ] {
        out.push((q.to_string(), None, Some(years)));
    }
    out.push(("教育".to_string(), Some("浙江省"), Some((2022, 2024))));
    out
}

fn baogao_total(
    ws: &Workspace,
    query: &str,
    province: Option<&str>,
    years: Option<(i32, i32)>,
) -> u64 {
    let mut args: Vec<String> = query.split(' ').map(str::to_string).collect();
    if let Some(p) = province {
        args.push(format!("--province={p}"));
    }
    if let Some((from, to)) = years {
        args.push(format!("--year={from}..{to}"));
    }
    let (flags, terms): (Vec<String>, Vec<String>) =
        args.into_iter().partition(|a| a.starts_with("--"));
    let output = ws
        .cmd("search")
        .args(["--match", "all", "--json", "-n", "1"])
        .args(&flags)
        .arg("--")
        .args(&terms)
        .output()
        .unwrap();
    let lines = json_lines(&output.stdout);
    lines.last().unwrap()["total"].as_u64().unwrap()
}

#[test]
fn two_sphinx_shards_count_what_baogao_counts() {
    if !installed("indexer") || !installed("searchd") {
        eprintln!(
            "skipped: Sphinx (indexer, searchd) is not installed; apt-get install sphinxsearch"
        );
        return;
    }
    let ws = Workspace::with_seed_corpus();
    let national = common::shared().map(|s| s.join("corpus/national"));
    if national.is_none() {
        eprintln!("comparing on the bundled corpus alone");
    }
    if let Some(dir) = &national {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            ws.write(&format!("national/{name}"), std::fs::read(&path).unwrap());
        }
    }
    ws.build();
    // Ports from the process id, so that parallel runs do not collide.
    let base = 20000 + (std::process::id() % 2000) as u16 * 10;
    let work = ws.dir.path().join("sphinx");
    let cluster = Cluster {
        script: common::root().join("deploy/sphinx/cluster.sh"),
        work: work.clone(),
        sql_port: base + 6,
    };
    cluster.run(&["build", work.to_str().unwrap()], &ws, base);
    cluster.run(&["start", work.to_str().unwrap()], &ws, base);
    let mut sql = sphinxql::Connection::connect(cluster.sql_port).expect("SphinxQL");

    let queries = queries(national.is_some());
    assert!(queries.len() >= 50, "{}", queries.len());
    let mut nonzero = 0;
    for (query, province, years) in &queries {
        let terms: Vec<&str> = query.split(' ').collect();
        let mut select = format!(
            "SELECT id, body FROM dist WHERE MATCH('{}')",
            sphinx_match(&terms)
        );
        if let Some(p) = province {
            select.push_str(&format!(" AND province='{p}'"));
        }
        if let Some((from, to)) = years {
            select.push_str(&format!(" AND year_from<={to} AND year_to>={from}"));
        }
        select.push_str(" LIMIT 5 OPTION ranker=bm25");
        let rows = sql
            .query(&select)
            .unwrap_or_else(|e| panic!("{select}: {e}"));
        let meta = sql.query("SHOW META").unwrap();
        assert!(
            meta.value("warning").is_none(),
            "{query}: {:?}",
            meta.value("warning")
        );
        let found: u64 = meta.value("total_found").unwrap().parse().unwrap();
        let expected = baogao_total(&ws, query, *province, *years);
        if found != expected {
            let listed = sql
                .query(&format!(
                    "{} LIMIT 1000",
                    select
                        .replace("SELECT id, body", "SELECT file, paragraph")
                        .replace(" LIMIT 5 OPTION ranker=bm25", "")
                ))
                .unwrap();
            let mut in_sphinx: Vec<String> = listed
                .rows
                .iter()
                .map(|r| {
                    format!(
                        "{}#{}",
                        r[0].clone().unwrap_or_default(),
                        r[1].clone().unwrap_or_default()
                    )
                })
                .collect();
            in_sphinx.sort();
            panic!(
                "{query} {province:?} {years:?}: Sphinx {found} vs baogao {expected}; Sphinx has {in_sphinx:?}"
            );
        }
        if expected > 0 {
            nonzero += 1;
        }
        // The top hits hold every term, as baogao reads them.
        for body in rows.column("body").into_iter().flatten() {
            let text = normalize(&body);
            for term in &terms {
                assert!(text.contains(&normalize(term)), "{query}: {body}");
            }
        }
    }
    // Not vacuous: most counts compared are of real hits. The five bundled
    // reports alone (no ../shared) hold none of the national reports'
    // vocabulary (人民代表大会, 国有企业…), so fewer queries find
    // something there.
    let needed = if national.is_some() { 8 } else { 6 };
    assert!(
        nonzero * 10 >= queries.len() * needed,
        "most queries find something: {nonzero} of {}",
        queries.len()
    );

    // One shard down: the answer says so instead of counting half.
    cluster.stop(Some("shard1"));
    let _ = sql.query(&format!(
        "SELECT id FROM dist WHERE MATCH('{}') LIMIT 1",
        sphinx_match(&["教育"])
    ));
    let meta = sql.query("SHOW META").unwrap();
    let warning = meta.value("warning").unwrap_or_default();
    assert!(
        warning.contains("agent") && warning.contains(&(base + 1).to_string()),
        "a stopped shard is reported: {:?}",
        meta.pairs()
    );
    let _ = Path::new(&work);
}
