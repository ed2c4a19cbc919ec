//! The schema editor's commands: open it, apply its draft, delete a tag in use.

use jiff::Timestamp;

use crate::model::*;
use crate::ui::app::MarginaliaApp;
use crate::ui::schema_editor::SchemaDraft;

impl MarginaliaApp {
    pub(crate) fn open_schema_editor(&mut self) {
        self.overlays.schema_editor = Some(SchemaDraft::of(&self.ws.project().schema));
    }

    /// Applies the draft: renames (migrating annotations), deletions, then the new schema,
    /// all one undo step. Returns whether it was applied.
    pub fn apply_schema_draft(&mut self, draft: &SchemaDraft) -> bool {
        let now = Timestamp::now();
        let before = self.ws.generation();
        self.ws.begin_group("Edit tags and relations");
        let mut ok = true;
        for row in &draft.tags {
            if let Some(old) = &row.original
                && old.as_str() != row.id.trim()
            {
                let edit = ops::rename_tag(
                    self.ws.project(),
                    old,
                    &TagId(row.id.trim().to_owned()),
                    row.label.trim(),
                    now,
                );
                ok &= self.apply("Rename tag", edit);
            }
        }
        for tag in &draft.deleted {
            let ids: Vec<AnnotationId> = self
                .ws
                .project()
                .annotations
                .values()
                .filter(|a| &a.tag == tag)
                .map(|a| a.id.clone())
                .collect();
            if !ids.is_empty() {
                let edit = ops::remove_annotations(self.ws.project(), &ids);
                ok &= self.apply("Delete tag", edit);
            }
        }
        // A code attribute's codebook that the project lacks (a project made before codes
        // has none) comes with it, empty.
        let schema = draft.schema();
        let wanted: std::collections::BTreeSet<crate::model::CodebookId> = schema
            .tags
            .iter()
            .flat_map(|t| &t.attributes)
            .chain(schema.relations.iter().flat_map(|r| &r.attributes))
            .filter_map(|a| match &a.kind {
                crate::model::AttributeKind::Code { codebook } => Some(codebook.clone()),
                _ => None,
            })
            .filter(|b| !self.ws.project().codebooks.contains_key(b))
            .collect();
        for id in wanted {
            let label = if id.as_str() == crate::model::CONCEPTS {
                "Concepts".to_owned()
            } else {
                id.to_string()
            };
            let book = crate::model::Codebook {
                id,
                label,
                definition: String::new(),
                codes: Vec::new(),
            };
            ok &= self.apply("New codebook", ops::put_codebook(self.ws.project(), book));
        }
        if ok {
            let edit = ops::set_schema(self.ws.project(), schema);
            ok = self.apply("Edit tags and relations", edit);
        }
        self.ws.end_group();
        if !ok && self.ws.generation() != before {
            // Roll back the part that went through (and only it), so the project is as before.
            // (A new version: what is derived from the project is made afresh.)
            let _ = self.ws.undo();
        }
        ok
    }

    /// The analyst confirmed deleting a tag in use.
    pub(crate) fn confirm_delete_tag(&mut self, tag: &TagId) {
        if let Some(draft) = &mut self.overlays.schema_editor {
            draft.tags.retain(|r| r.original.as_ref() != Some(tag));
            draft.deleted.push(tag.clone());
        }
    }
}
