//! Reports in the formats people have: web pages, Word files (.docx, .doc,
//! .wps) and PDFs, read into the same paragraphs as text.
//!
//! The fixtures in tests/fixtures/formats/ were made by its `make.sh`
//! (LibreOffice converting the bundled reports; reportlab and hand-written
//! XML for the edge cases); regenerating them is not part of `cargo test`.
//! Tests on ../shared/realdocs (real government files) skip themselves
//! where that folder is absent.

mod common;

use baogao::analysis::normalize::normalize;
use baogao::corpus::decode::SkipReason;
use baogao::corpus::extract::{self, Format};
use baogao::corpus::split::split_paragraphs_with;
use common::{Workspace, json_lines};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    common::root().join("tests/fixtures/formats")
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn extract_file(path: &Path) -> Result<extract::Extracted, SkipReason> {
    extract::extract(&path.to_string_lossy(), &read(path))
}

/// Text for comparison: normalised, without whitespace, heading marks or
/// page breaks.
fn squeeze(text: &str) -> String {
    normalize(text)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '#' && *c != '\x0C')
        .collect()
}

fn bigrams(text: &str) -> HashMap<(char, char), usize> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = HashMap::new();
    for pair in chars.windows(2) {
        *out.entry((pair[0], pair[1])).or_insert(0) += 1;
    }
    out
}

/// Share of `truth`'s character pairs found in `got` (as multisets).
fn overlap(truth: &str, got: &str) -> f64 {
    let (t, g) = (bigrams(truth), bigrams(got));
    let common: usize = t
        .iter()
        .map(|(k, n)| (*n).min(*g.get(k).unwrap_or(&0)))
        .sum();
    common as f64 / t.values().sum::<usize>().max(1) as f64
}

fn paragraph_texts(text: &str, paged: bool) -> Vec<String> {
    let mut out: Vec<String> = split_paragraphs_with(text, paged)
        .into_iter()
        .map(|p| squeeze(&p.text))
        .filter(|t| !t.is_empty())
        .collect();
    out.sort();
    out
}

#[test]
fn converted_reports_match_their_text_versions() {
    let corpus = common::root().join("corpus");
    let mut checked = 0;
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let txt = entry.unwrap().path();
        if txt.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let stem = txt.file_stem().unwrap().to_string_lossy().into_owned();
        let truth_text = String::from_utf8(read(&txt)).unwrap();
        let truth = squeeze(&truth_text);
        let truth_paragraphs = paragraph_texts(&truth_text, false);
        for (ext, format) in [
            ("html", Format::Html),
            ("docx", Format::Docx),
            ("doc", Format::Doc),
            ("pdf", Format::Pdf),
        ] {
            let path = fixtures().join("seeds").join(format!("{stem}.{ext}"));
            let got = extract_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(got.format, format, "{}", path.display());
            let text = squeeze(&got.text);
            let recall = overlap(&truth, &text);
            let precision = overlap(&text, &truth);
            assert!(
                recall >= 0.99 && precision >= 0.99,
                "{}: {recall:.4} of the text's characters found, {precision:.4} of the extraction's in the text",
                path.display()
            );
            // Headings included: the same paragraphs, cut the same way.
            assert_eq!(
                paragraph_texts(&got.text, got.paged),
                truth_paragraphs,
                "{}",
                path.display()
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 20, "5 reports in 4 formats");
}

/// A corpus with each bundled report in every format, one folder per
/// format.
fn every_format_corpus(ws: &Workspace) {
    let corpus = common::root().join("corpus");
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let txt = entry.unwrap().path();
        if txt.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let name = txt.file_name().unwrap().to_string_lossy().into_owned();
        ws.write(&format!("txt/{name}"), read(&txt));
        let stem = txt.file_stem().unwrap().to_string_lossy().into_owned();
        for ext in ["html", "docx", "doc", "pdf"] {
            let path = fixtures().join("seeds").join(format!("{stem}.{ext}"));
            ws.write(&format!("{ext}/{stem}.{ext}"), read(&path));
        }
    }
}

#[test]
fn search_finds_the_same_paragraphs_in_every_copy() {
    let ws = Workspace::new();
    every_format_corpus(&ws);
    let index = ws.cmd("index").arg("--json").output().unwrap();
    assert!(
        index.status.success(),
        "{}",
        String::from_utf8_lossy(&index.stderr)
    );
    let summary = json_lines(&index.stdout).pop().unwrap();
    for format in ["text", "html", "docx", "doc", "pdf"] {
        assert_eq!(summary["formats"][format], 5, "{summary}");
    }
    assert_eq!(summary["skipped"].as_array().unwrap().len(), 0, "{summary}");
    for term in [
        "学前教育",
        "双减",
        "县中崛起",
        "教共体",
        "2024年",
        "安全",
        "普惠 民办",
    ] {
        let output = ws
            .cmd("search")
            .args([term, "--all", "--json", "--no-collapse"])
            .output()
            .unwrap();
        let lines = json_lines(&output.stdout);
        let mut by_folder: HashMap<String, Vec<String>> = HashMap::new();
        for hit in lines.iter().filter(|l| l["type"] == "hit") {
            let file = hit["file"].as_str().unwrap();
            let folder = file.split('/').next().unwrap().to_string();
            by_folder
                .entry(folder.clone())
                .or_default()
                .push(squeeze(hit["text"].as_str().unwrap()));
            if folder == "pdf" {
                assert!(hit["page"].as_u64().is_some_and(|p| p >= 1), "{hit}");
            }
            if folder != "txt" {
                assert!(
                    hit.get("line").is_none(),
                    "no line numbers outside text: {hit}"
                );
            }
        }
        let mut truth = by_folder.get("txt").cloned().unwrap_or_default();
        truth.sort();
        assert!(!truth.is_empty(), "{term} is in the bundled reports");
        for folder in ["html", "docx", "doc", "pdf"] {
            let mut got = by_folder.get(folder).cloned().unwrap_or_default();
            got.sort();
            assert_eq!(got, truth, "{term} in {folder}");
        }
    }
}

/// PDFs: the hand-made edge cases.
const ARTICLE: [&str; 4] = [
    "一、2024年工作总结",
    "（一）党建引领教育更加坚定。全面推进基层党组织建设，把牢理想信念“方向盘”，守好意识形态“主阵地”，全面深化党对教育的领导。",
    "（二）优质资源供给更加充分。县域教育资源配置逐步优化，不断提升教育公共服务的普惠性、可及性、便捷性。新增义务教育学位1080个、学前教育学位1350个。",
    "（三）教育教学质量更加突出。扎实推进“初中壮腰”工程、“县中崛起”计划，聚焦“学有优教”，实现从“有学上”到“上好学”的跨越。",
];

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| normalize(l.trim_start_matches('\x0C')).trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn predefined_chinese_cmaps_without_embedded_fonts() {
    let expected: Vec<String> = ARTICLE.iter().map(|p| normalize(p)).collect();
    for name in ["ucs2_no_font.pdf", "gbk_euc.pdf"] {
        let got = extract_file(&fixtures().join(name)).unwrap();
        assert_eq!(lines(&got.text), expected, "{name}");
        assert!(got.notes.is_empty(), "{name}: {:?}", got.notes);
    }
}

#[test]
fn two_columns_read_column_by_column_after_the_title() {
    let got = extract_file(&fixtures().join("two_columns.pdf")).unwrap();
    let got = lines(&got.text);
    assert_eq!(got[0], "青田县教育局工作简报");
    assert_eq!(got[1], normalize(ARTICLE[1]));
    assert_eq!(got[2], normalize(ARTICLE[2]));
    assert_eq!(got[3], normalize(ARTICLE[3]));
    assert_eq!(
        got[4],
        normalize("全年共有省市县民生实事6项，均已高质量完成。")
    );
}

#[test]
fn running_heads_and_page_numbers_are_dropped_and_pages_kept() {
    let got = extract_file(&fixtures().join("running_heads.pdf")).unwrap();
    assert!(!got.text.contains("青田县教育局文件"), "{}", got.text);
    assert!(!got.text.contains("- 1 -"), "{}", got.text);
    let paragraphs = split_paragraphs_with(&got.text, got.paged);
    let pages: Vec<Option<u32>> = paragraphs.iter().map(|p| p.page).collect();
    assert_eq!(pages, vec![Some(1), Some(2), Some(3), Some(4)]);
}

#[test]
fn scans_and_locked_pdfs_are_skipped_with_their_reason() {
    assert_eq!(
        extract_file(&fixtures().join("image_only.pdf")).unwrap_err(),
        SkipReason::NoTextLayer
    );
    let locked = extract_file(&fixtures().join("encrypted.pdf")).unwrap_err();
    assert_eq!(locked.key(), "encrypted", "{locked}");
}

#[test]
fn web_pages_give_the_article_without_the_site() {
    let got = extract_file(&fixtures().join("nav_article.html")).unwrap();
    for chrome in [
        "首页",
        "当前位置",
        "字号",
        "打印",
        "相关文章",
        "分享到",
        "版权所有",
        "浏览次数",
    ] {
        assert!(!got.text.contains(chrome), "{chrome} in {}", got.text);
    }
    let got = lines(&got.text);
    assert_eq!(got[0], "青田县教育局2024年工作总结 发布时间:2025-01-05");
    assert_eq!(got[1], "# 一、2024年工作总结".replace("# ", ""));
    assert!(got.contains(&normalize("学前教育 1350")), "{got:?}");
    // A GBK page that says it is UTF-8.
    let lying = extract_file(&fixtures().join("gbk_meta_utf8.html")).unwrap();
    assert!(lying.text.contains("学前教育学位1350个"), "{}", lying.text);
    assert!(lying.notes.iter().any(|n| n.contains("declares utf-8")));
}

#[test]
fn word_headings_tables_and_notes() {
    let got = extract_file(&fixtures().join("tables_headings.docx")).unwrap();
    assert!(!got.text.contains("删去的") && !got.text.contains("MERGEFIELD"));
    let paragraphs = split_paragraphs_with(&got.text, false);
    let find = |text: &str| {
        paragraphs
            .iter()
            .find(|p| p.text == text)
            .unwrap_or_else(|| panic!("{text} in {paragraphs:?}"))
    };
    assert_eq!(
        find("全面推进基层党组织建设。").headings,
        vec!["青田县教育局2024年工作总结", "党建与队伍"]
    );
    assert_eq!(
        find("新增学位2430个。").headings,
        vec!["青田县教育局2024年工作总结", "资源与质量"]
    );
    find("学前教育 1350");
    find("数据来源：县教育局统计年报。");
    // Without styles, relationships or notes, a .docx still reads.
    let minimal = extract_file(&fixtures().join("minimal.docx")).unwrap();
    assert_eq!(
        lines(&minimal.text),
        ARTICLE[..1]
            .iter()
            .map(|p| normalize(p))
            .chain(
                [
                    "（一）党建引领教育更加坚定。全面推进基层党组织建设，把牢理想信念“方向盘”，守好意识形态“主阵地”。",
                    "（二）优质资源供给更加充分。新增义务教育学位1080个、学前教育学位1350个。"
                ]
                .iter()
                .map(|p| normalize(p))
            )
            .collect::<Vec<_>>()
    );
}

/// A Word 97 file, written here: text in `pieces`, each stored as 8-bit
/// (`true`) or UTF-16, through the piece table.
fn word97(pieces: &[(&str, bool)]) -> Vec<u8> {
    let mut word = vec![0u8; 0x400];
    word[0..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
    word[2..4].copy_from_slice(&0x00C1u16.to_le_bytes());
    word[32..34].copy_from_slice(&14u16.to_le_bytes()); // csw
    word[62..64].copy_from_slice(&22u16.to_le_bytes()); // cslw
    word[152..154].copy_from_slice(&93u16.to_le_bytes()); // cbRgFcLcb
    let mut cps = vec![0u32];
    let mut fcs = Vec::new();
    for (text, eight_bit) in pieces {
        let at = word.len() as u32;
        if *eight_bit {
            word.extend(text.chars().map(|c| c as u8));
            fcs.push((at * 2) | 0x4000_0000);
        } else {
            for unit in text.encode_utf16() {
                word.extend_from_slice(&unit.to_le_bytes());
            }
            fcs.push(at);
        }
        cps.push(cps.last().unwrap() + text.chars().count() as u32);
    }
    let total = *cps.last().unwrap();
    word[64 + 12..64 + 16].copy_from_slice(&total.to_le_bytes()); // ccpText
    let mut plc = Vec::new();
    for cp in &cps {
        plc.extend_from_slice(&cp.to_le_bytes());
    }
    for fc in &fcs {
        plc.extend_from_slice(&0u16.to_le_bytes());
        plc.extend_from_slice(&fc.to_le_bytes());
        plc.extend_from_slice(&0u16.to_le_bytes());
    }
    let mut table = vec![0x02];
    table.extend_from_slice(&(plc.len() as u32).to_le_bytes());
    table.extend_from_slice(&plc);
    let clx_at = 154 + 33 * 8;
    word[clx_at..clx_at + 4].copy_from_slice(&0u32.to_le_bytes());
    word[clx_at + 4..clx_at + 8].copy_from_slice(&(table.len() as u32).to_le_bytes());
    let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    file.create_stream("/WordDocument")
        .unwrap()
        .write_all(&word)
        .unwrap();
    file.create_stream("/0Table")
        .unwrap()
        .write_all(&table)
        .unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

#[test]
fn word97_with_eight_bit_and_utf16_pieces() {
    let bytes = word97(&[
        ("Report 2024\r", true),
        (
            "一、工作总结\r学段\u{7}学位\u{7}\u{7}学前教育\u{7}1350\u{7}\u{7}",
            false,
        ),
        ("Total: 2430\r", true),
    ]);
    let got = extract::extract("r.doc", &bytes).unwrap();
    assert_eq!(got.format, Format::Doc);
    assert_eq!(
        got.text,
        "Report 2024\n一、工作总结\n学段 学位\n学前教育 1350\nTotal: 2430\n"
    );
    // The same bytes named .wps are the same document.
    assert_eq!(extract::extract("r.wps", &bytes).unwrap().text, got.text);
}

/// Every kind of damaged file, under every report extension.
fn hostile_files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let seeds = fixtures().join("seeds");
    let stem = "青田县教育局2024年工作总结和2025年工作思路";
    let mut state = 0x2545F4914F6CDD1Du64;
    let mut random = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect()
    };
    for ext in ["html", "docx", "doc", "pdf"] {
        let good = read(&seeds.join(format!("{stem}.{ext}")));
        for (label, cut) in [
            ("half", good.len() / 2),
            ("tenth", good.len() / 10),
            ("head", 16),
        ] {
            out.push((format!("truncated-{label}.{ext}"), good[..cut].to_vec()));
        }
        let mut flipped = good.clone();
        for i in (good.len() / 3..good.len()).step_by(97) {
            flipped[i] ^= 0x5A;
        }
        out.push((format!("corrupt.{ext}"), flipped));
    }
    for ext in extract::EXTENSIONS {
        out.push((format!("random.{ext}"), random(4096)));
        let mut magic = match *ext {
            "pdf" | "txt" => b"%PDF-1.7\n".to_vec(),
            "docx" => b"PK\x03\x04word/document.xml".to_vec(),
            "doc" | "wps" => vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
            _ => b"<html><body>".to_vec(),
        };
        magic.extend(random(2048));
        out.push((format!("magic-then-noise.{ext}"), magic));
        out.push((format!("empty.{ext}"), Vec::new()));
    }
    out
}

#[test]
fn damaged_and_random_files_never_panic() {
    for (name, bytes) in hostile_files() {
        let result = std::panic::catch_unwind(|| extract::extract(&name, &bytes));
        assert!(result.is_ok(), "{name} panicked");
    }
}

#[test]
fn one_index_over_every_format_and_every_hostile_file() {
    let ws = Workspace::new();
    every_format_corpus(&ws);
    for (name, bytes) in hostile_files() {
        ws.write(&format!("hostile/{name}"), &bytes);
    }
    for name in [
        "image_only.pdf",
        "encrypted.pdf",
        "two_columns.pdf",
        "nav_article.html",
    ] {
        ws.write(&format!("edge/{name}"), read(&fixtures().join(name)));
    }
    let output = ws.cmd("index").arg("--json").output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "{stderr}"
    );
    let summary = json_lines(&output.stdout).pop().unwrap();
    for format in ["text", "html", "docx", "doc", "pdf"] {
        assert!(
            summary["formats"][format].as_u64().unwrap() >= 5,
            "{summary}"
        );
    }
    // Each skipped file is named, with its reason, on stderr and in JSON.
    let skipped = summary["skipped"].as_array().unwrap();
    assert!(!skipped.is_empty());
    for s in skipped {
        let file = s["file"].as_str().unwrap();
        assert!(s["reason"].as_str().is_some_and(|r| !r.is_empty()), "{s}");
        assert!(stderr.contains(file), "{file} not named on stderr");
    }
    let reason_of = |file: &str| {
        skipped
            .iter()
            .find(|s| s["file"] == file)
            .map(|s| s["reason"].as_str().unwrap().to_string())
    };
    assert_eq!(
        reason_of("edge/image_only.pdf").as_deref(),
        Some("no-text-layer")
    );
    assert_eq!(
        reason_of("edge/encrypted.pdf").as_deref(),
        Some("encrypted")
    );
    assert_eq!(reason_of("hostile/empty.pdf").as_deref(), Some("empty"));
    assert_eq!(
        summary["skipped_by_reason"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum::<u64>(),
        skipped.len() as u64
    );
    // The index answers, and the check that --strict relies on agrees.
    ws.cmd("search").arg("学前教育").assert().success();
    let check = ws.cmd("check").arg("--json").output().unwrap();
    assert_eq!(
        check.status.code(),
        Some(1),
        "scans and locked files are errors for check"
    );
    let build_strict = ws
        .cmd("index")
        .args(["--strict", "--rebuild"])
        .output()
        .unwrap();
    assert_eq!(build_strict.status.code(), Some(2), "--strict refuses");
}

#[test]
fn a_changed_pdf_is_read_again_and_an_unchanged_one_is_not() {
    let ws = Workspace::new();
    let seeds = fixtures().join("seeds");
    let a = "青田县教育局2024年工作总结和2025年工作思路";
    let b = "常山县教育局2023年工作综述";
    ws.write("a.pdf", read(&seeds.join(format!("{a}.pdf"))));
    ws.write("b.docx", read(&seeds.join(format!("{b}.docx"))));
    ws.build();
    let again = ws.cmd("index").arg("--json").output().unwrap();
    let summary = json_lines(&again.stdout).pop().unwrap();
    assert_eq!(summary["indexed"], 0, "{summary}");
    // Replace the PDF with another report's PDF.
    ws.write("a.pdf", read(&seeds.join(format!("{b}.pdf"))));
    let changed = ws.cmd("index").arg("--json").output().unwrap();
    let summary = json_lines(&changed.stdout).pop().unwrap();
    assert_eq!(summary["indexed"], 1, "{summary}");
    assert_eq!(summary["unchanged"], 1, "{summary}");
    let hits = ws
        .cmd("search")
        .args(["常山", "--json", "--all"])
        .output()
        .unwrap();
    let files: Vec<String> = json_lines(&hits.stdout)
        .iter()
        .filter(|l| l["type"] == "hit")
        .map(|l| l["file"].as_str().unwrap().to_string())
        .collect();
    assert!(files.contains(&"a.pdf".to_string()), "{files:?}");
}

#[test]
fn real_government_files() {
    let Some(shared) = common::shared() else {
        eprintln!("skipped: ../shared is absent");
        return;
    };
    let dir = shared.join("realdocs");
    let ws = Workspace::new();
    for sub in ["pdf", "doc", "docx", "wps", "html"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            ws.write(&format!("{sub}/{name}"), read(&path));
        }
    }
    let output = ws.cmd("index").arg("--json").output().unwrap();
    assert!(output.status.success());
    let summary = json_lines(&output.stdout).pop().unwrap();
    assert_eq!(summary["indexed"], 10, "{summary}");
    let skipped = summary["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{summary}");
    assert_eq!(skipped[0]["reason"], "no-text-layer");
    // Something from each file, found where it is.
    for (term, file) in [
        (
            "普惠金融高质量发展",
            "doc/zj_yinjianju_2018_55_TXWORD_mergefield.doc",
        ),
        (
            "信用风险缓释工具",
            "doc/mof_2012_kuaijizhunze_jieshi5_cp936.doc",
        ),
        (
            "学校成立安全工作领导小组",
            "wps/jiaokou_shuitou_mingde_xiaoxue_anquan_jiaoyu_zhidu.wps",
        ),
        ("北京中轴线申遗圆满成功", "docx/beijing_2025_gwr_wps.docx"),
        ("粮食总产量1344亿斤", "docx/henan_2025_gwr_msword.docx"),
        (
            "控制权转移给乙公司",
            "pdf/mof_2018_shouru_anli_yunshu_ENCRYPTED_rc4.pdf",
        ),
        ("京津冀协同发展", "pdf/beijing_2024_gwr.pdf"),
        ("特别国债", "html/gne_govcn_gwygb_2007_23.html"),
        (
            "揪揪耳朵",
            "html/peoplecn_2009_anhui_sifa_GB2312_bytes.html",
        ),
        (
            "浙金罚决字〔2024〕52号",
            "html/nfra_penalty_table_rowspan_selenium.html",
        ),
    ] {
        let output = ws
            .cmd("search")
            .args([term, "--json", "--all"])
            .output()
            .unwrap();
        let files: Vec<String> = json_lines(&output.stdout)
            .iter()
            .filter(|l| l["type"] == "hit")
            .map(|l| l["file"].as_str().unwrap().to_string())
            .collect();
        assert!(files.iter().any(|f| f == file), "{term}: {files:?}");
    }
}

#[test]
fn literal_recall_is_exact_over_the_extracted_text_of_every_format() {
    let ws = Workspace::new();
    every_format_corpus(&ws);
    let corpus = ws.corpus();
    let engine = common::engine_for(&corpus);
    let paragraphs = common::paragraphs(&corpus);
    let formats: std::collections::BTreeSet<&str> = paragraphs
        .iter()
        .map(|(f, _, _)| f.split('/').next().unwrap())
        .collect();
    assert_eq!(formats.len(), 5, "{formats:?}");
    let texts: Vec<&str> = paragraphs.iter().map(|(_, _, t)| t.as_str()).collect();
    for term in common::random_substrings(&texts, 120, 0x5EED_F0F0) {
        assert_eq!(
            common::exact_hits(&engine, &term),
            common::containing(&paragraphs, &term),
            "{term}"
        );
    }
}
