//! The agreement report as plain-text tables for the terminal.

use std::fmt::Write as _;

use super::agree::{Agreement, Scores};

fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |x| format!("{x:.3}"))
}

fn ci(x: Option<[f64; 2]>) -> String {
    x.map_or_else(|| "–".to_owned(), |[lo, hi]| format!("[{lo:.3}, {hi:.3}]"))
}

fn prf(s: &Scores) -> String {
    format!(
        "{:>6} {:>6} {:>6}",
        num(s.precision),
        num(s.recall),
        num(s.f1)
    )
}

impl Agreement {
    /// Readable tables: the overall coefficients, one row per pair, one row per pair and tag.
    /// `–` marks a value that is undefined.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Agreement between {} over {} tokens in {} documents ({} tokens labelled by two or more)",
            self.annotators.join(", "),
            self.tokens,
            self.documents,
            self.units
        );
        let _ = writeln!(
            out,
            "Krippendorff's alpha (nominal): {}  95% CI {}",
            num(self.krippendorff_alpha),
            ci(self.krippendorff_alpha_ci)
        );
        let _ = match self.fleiss_kappa {
            Some(k) => writeln!(
                out,
                "Fleiss' kappa: {k:.3} over {} tokens all annotators labelled",
                self.fleiss_units
            ),
            None => writeln!(
                out,
                "Fleiss' kappa: – (needs three or more annotators labelling the same documents)"
            ),
        };
        let _ = writeln!(
            out,
            "\n{:<24} {:>5} {:>7} {:>7} {:>18}  {:^20}  {:^20}  {:>6}",
            "pair (reference/other)",
            "docs",
            "tokens",
            "kappa",
            "95% CI",
            "exact P R F1",
            "relaxed P R F1",
            "rel F1"
        );
        for p in &self.pairs {
            let _ = writeln!(
                out,
                "{:<24} {:>5} {:>7} {:>7} {:>18}  {}  {}  {:>6}",
                format!("{} / {}", p.a, p.b),
                p.documents,
                p.units,
                num(p.cohen_kappa),
                ci(p.cohen_kappa_ci),
                prf(&p.span_exact),
                prf(&p.span_relaxed),
                num(p.relation_f1)
            );
        }
        let _ = writeln!(
            out,
            "\n{:<24} {:<16} {:>7}  {:^20}  {:^20}",
            "pair", "tag", "kappa", "exact P R F1", "relaxed P R F1"
        );
        for p in &self.pairs {
            for t in &p.per_tag {
                let _ = writeln!(
                    out,
                    "{:<24} {:<16} {:>7}  {}  {}",
                    format!("{} / {}", p.a, p.b),
                    t.tag,
                    num(t.cohen_kappa),
                    prf(&t.span_exact),
                    prf(&t.span_relaxed)
                );
            }
        }
        if self.per_attribute.iter().any(|a| a.matched > 0) {
            let _ = writeln!(
                out,
                "\n{:<24} {:<24} {:>7} {:>7} {:>7} {:>7} {:>7}",
                "pair", "tag.attribute", "spans", "coded", "kappa", "AC1", "alpha"
            );
            for a in self.per_attribute.iter().filter(|a| a.matched > 0) {
                let _ = writeln!(
                    out,
                    "{:<24} {:<24} {:>7} {:>7} {:>7} {:>7} {:>7}",
                    format!("{} / {}", a.a, a.b),
                    format!("{}.{}", a.tag, a.attribute),
                    a.matched,
                    a.units,
                    num(a.cohen_kappa),
                    num(a.gwet_ac1),
                    num(a.krippendorff_alpha)
                );
            }
        }
        let _ = writeln!(
            out,
            "\n{:<24} {:>7} {:>7}  kappa per pair",
            "document", "tokens", "alpha"
        );
        for d in &self.per_document {
            let kappas: Vec<String> = d.cohen_kappa.iter().map(|k| num(*k)).collect();
            let _ = writeln!(
                out,
                "{:<24} {:>7} {:>7}  {}",
                d.id,
                d.tokens,
                num(d.krippendorff_alpha),
                kappas.join(" ")
            );
        }
        let _ = writeln!(
            out,
            "\nIntervals: {} bootstrap resamples of documents, seed {}.",
            self.resamples, self.seed
        );
        out
    }
}
