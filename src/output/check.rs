//! Rendering `baogao check` for people and for programs.

use crate::corpus::check::{CheckReport, Finding, ReportCheck, Severity};
use crate::corpus::tags::Tagged;
use serde::Serialize;
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

fn label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Print a check for a person.
pub fn print_text(out: &mut dyn Write, report: &CheckReport) -> io::Result<()> {
    for r in &report.reports {
        let t = &r.tags;
        writeln!(out, "{}", r.file)?;
        writeln!(
            out,
            "  {} · {} · {} · {}",
            describe("county", &t.county),
            describe("city", &t.city),
            describe("province", &t.province),
            describe("year", &t.year)
        )?;
        writeln!(
            out,
            "  {} · {} characters · {} paragraphs · {} · title: {}",
            r.format, r.characters, r.paragraphs, r.encoding, t.title
        )?;
        for f in report.findings.iter().filter(|f| f.file == r.file) {
            writeln!(out, "  {}: {}", label(f.severity), f.message)?;
        }
    }
    for f in report
        .findings
        .iter()
        .filter(|f| !report.reports.iter().any(|r| r.file == f.file))
    {
        writeln!(out, "{}\n  {}: {}", f.file, label(f.severity), f.message)?;
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
#[serde(tag = "type", rename_all = "lowercase")]
enum Line<'a> {
    Report(&'a ReportCheck),
    Problem(&'a Finding),
    Summary {
        reports: usize,
        errors: usize,
        warnings: usize,
        clean: bool,
    },
}

/// Print a check as JSON lines: one `report` per report (its tags, each
/// with `value`, `source` and `confidence`), one `problem` per finding,
/// then a `summary`.
pub fn print_json(out: &mut dyn Write, report: &CheckReport) -> io::Result<()> {
    for r in &report.reports {
        super::json::write_line(out, &Line::Report(r))?;
    }
    for f in &report.findings {
        super::json::write_line(out, &Line::Problem(f))?;
    }
    super::json::write_line(
        out,
        &Line::Summary {
            reports: report.reports.len(),
            errors: report.errors(),
            warnings: report.warnings(),
            clean: report.is_clean(),
        },
    )
}

/// Print in the format asked for (JSON lines, or text).
pub fn print(out: &mut dyn Write, value: &CheckReport, json: bool) -> io::Result<()> {
    if json {
        print_json(out, value)
    } else {
        print_text(out, value)
    }
}
