//! Search commands: stepping through hits, tagging every match after a preview, and the
//! suggestions of known actors' names.

use jiff::Timestamp;

use crate::model::TagId;
use crate::search::{self};
use crate::ui::app::MarginaliaApp;

impl MarginaliaApp {
    /// Moves to the next or previous hit, across documents when searching the project.
    pub(crate) fn step_hit(&mut self, forward: bool) {
        let n = self.article.search.hits.len();
        if n == 0 {
            return;
        }
        self.article.search.current = if forward {
            (self.article.search.current + 1) % n
        } else {
            (self.article.search.current + n - 1) % n
        };
        self.show_current_hit();
    }

    pub(crate) fn show_current_hit(&mut self) {
        let Some(hit) = self
            .article
            .search
            .hits
            .get(self.article.search.current)
            .cloned()
        else {
            return;
        };
        if let Some(i) = self.ws.project().document_index(&hit.doc) {
            self.show_document(i);
        }
        self.selection.text = crate::ui::article::TextSel {
            anchor: hit.range.start,
            head: hit.range.end,
        };
        self.article.view.reveal(hit.range.start, true);
    }

    /// Opens the preview of tagging every hit with the first tag (changeable in the preview).
    pub(crate) fn preview_tag_all(&mut self) {
        let Some(tag) = self.ws.project().schema.tags.first().map(|t| t.id.clone()) else {
            return;
        };
        if self.article.search.hits.is_empty() {
            self.notify("Search first (Ctrl+F); tag all matches tags what it found.");
            return;
        }
        self.set_preview_tag(tag);
    }

    pub(crate) fn set_preview_tag(&mut self, tag: TagId) {
        let preview = search::preview_tag_all_around(
            self.ws.project(),
            &self.article.search.hits,
            &tag,
            &self.prefs.annotator,
            self.article.search.extent,
            self.blind(),
        );
        let ticked = preview
            .items
            .iter()
            .map(|p| p.status.accepted_by_default())
            .collect();
        self.article.search.preview = Some((preview, tag, ticked));
    }

    pub(crate) fn commit_tag_all(&mut self) {
        let Some((preview, tag, ticked)) = self.article.search.preview.take() else {
            return;
        };
        let count = ticked.iter().filter(|t| **t).count();
        let linked = preview
            .items
            .iter()
            .zip(&ticked)
            .filter(|(p, t)| **t && p.entity.is_some())
            .count();
        let edit = search::tag_all_edit(
            self.ws.project(),
            &preview,
            |i| ticked.get(i).copied().unwrap_or(false),
            &tag,
            &self.prefs.annotator,
            Timestamp::now(),
        );
        if self.apply("Tag all matches", edit) {
            self.notify(if linked > 0 {
                format!("Tagged {count} matches, {linked} linked to the entity they name.")
            } else {
                format!("Tagged {count} matches.")
            });
        }
    }

    /// Finds unannotated mentions of known actors in the document shown.
    pub(crate) fn suggest(&mut self) {
        let Some(doc) = self.current_doc_id() else {
            return;
        };
        self.article.search.suggestions =
            search::alias_suggestions(self.ws.project(), &doc, &self.prefs.annotator, self.blind());
        self.article.search.open = true;
        match self.article.search.suggestions.first().cloned() {
            Some(s) => {
                self.notify(format!(
                    "{} suggestions: Y accepts, N skips.",
                    self.article.search.suggestions.len()
                ));
                self.article.view.reveal(s.range.start, true);
            }
            None => self.notify("No untagged mentions of known actors in this article."),
        }
    }

    pub(crate) fn accept_suggestion(&mut self) {
        if self.article.search.suggestions.is_empty() {
            return;
        }
        let s = self.article.search.suggestions.remove(0);
        let edit = search::accept_suggestion_edit(
            self.ws.project(),
            &s,
            &self.prefs.annotator,
            Timestamp::now(),
        );
        self.apply("Accept suggestion", edit);
        self.after_suggestion();
    }

    pub(crate) fn skip_suggestion(&mut self) {
        if !self.article.search.suggestions.is_empty() {
            self.article.search.suggestions.remove(0);
        }
        self.after_suggestion();
    }

    pub(crate) fn after_suggestion(&mut self) {
        match self.article.search.suggestions.first() {
            Some(s) => {
                let at = s.range.start;
                self.article.view.reveal(at, true);
            }
            None => self.notify("No more suggestions."),
        }
    }
}
