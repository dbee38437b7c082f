//! Rendering `baogao check` for people and for programs.

use crate::check::{CheckReport, Severity};
use crate::corpus::tags::Tagged;
use serde::Serialize;
use serde_json::json;
use std::io::{self, Write};

fn describe<T: std::fmt::Display>(name: &str, tag: &Option<Tagged<T>>) -> String {
    match tag {
        Some(t) if t.confidence >= 0.999 => format!("{name} {} ({})", t.value, t.source.name()),
        Some(t) => format!(
            "{name} {} ({}, {:.2})",
            t.value,
            t.source.name(),
            t.confidence
        ),
        None => format!("{name} —"),
    }
}

/// Print a check for a person.
pub fn print_text(out: &mut dyn Write, report: &CheckReport) -> io::Result<()> {
    for r in &report.reports {
        writeln!(out, "{}", r.file)?;
        writeln!(
            out,
            "  {} · {} · {} · {}",
            describe("county", &r.county),
            describe("city", &r.city),
            describe("province", &r.province),
            describe("year", &r.year)
        )?;
        writeln!(
            out,
            "  {} paragraphs · {} · title: {}",
            r.paragraphs, r.encoding, r.title
        )?;
        for f in report.findings.iter().filter(|f| f.file == r.file) {
            let label = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            writeln!(out, "  {label}: {}", f.message)?;
        }
    }
    for f in report
        .findings
        .iter()
        .filter(|f| !report.reports.iter().any(|r| r.file == f.file))
    {
        let label = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(out, "{}\n  {label}: {}", f.file, f.message)?;
    }
    let (errors, warnings) = (report.errors(), report.warnings());
    writeln!(
        out,
        "{} reports · {} error{} · {} warning{}{}",
        report.reports.len(),
        errors,
        if errors == 1 { "" } else { "s" },
        warnings,
        if warnings == 1 { "" } else { "s" },
        if errors == 0 { " · clean" } else { "" }
    )
}

#[derive(Serialize)]
struct TagJson<'a, T: Serialize> {
    value: &'a T,
    source: &'static str,
    confidence: f32,
}

fn tag_json<T: Serialize>(tag: &Option<Tagged<T>>) -> serde_json::Value {
    match tag {
        Some(t) => serde_json::to_value(TagJson {
            value: &t.value,
            source: t.source.name(),
            confidence: t.confidence,
        })
        .unwrap_or(serde_json::Value::Null),
        None => serde_json::Value::Null,
    }
}

/// Print a check as JSON lines: one `report` per report, one `problem` per
/// finding, then a `summary`.
pub fn print_json(out: &mut dyn Write, report: &CheckReport) -> io::Result<()> {
    for r in &report.reports {
        let line = json!({
            "type": "report",
            "file": r.file,
            "title": r.title,
            "county": tag_json(&r.county),
            "city": tag_json(&r.city),
            "province": tag_json(&r.province),
            "year": tag_json(&r.year),
            "paragraphs": r.paragraphs,
            "encoding": r.encoding,
            "evidence": r.evidence.iter().map(|(name, score)| json!([name, (score * 100.0).round() / 100.0])).collect::<Vec<_>>(),
        });
        super::json::write_line(out, &line)?;
    }
    for f in &report.findings {
        let line = json!({
            "type": "problem",
            "file": f.file,
            "problem": f.key,
            "severity": match f.severity { Severity::Error => "error", Severity::Warning => "warning" },
            "message": f.message,
        });
        super::json::write_line(out, &line)?;
    }
    super::json::write_line(
        out,
        &json!({
            "type": "summary",
            "reports": report.reports.len(),
            "errors": report.errors(),
            "warnings": report.warnings(),
            "clean": report.is_clean(),
        }),
    )
}
