//! What a panel asks the window to do. A panel that owns its state draws from what it is
//! given to read ([`Shared`](super::shared::Shared) and the derived data) and pushes
//! [`Request`]s; `MarginaliaApp::act` in `run/` carries them out after the panel has drawn,
//! the one place where the window's state changes on a panel's behalf, as `run` is for the
//! analyst's named commands (menus, keys, palette). A request carries what a command cannot,
//! such as which annotation was clicked or the edit a widget made.

use std::path::PathBuf;

use crate::model::{
    AnnotationId, Edit, EditError, Entity, EntityId, RelationId, RelationKindId, TagId,
};

use super::commands::Command;
use super::dialogs::Modal;
use super::layer_choice::ShownLayer;
use super::prefs::Prefs;

/// One thing a panel asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// Select this annotation (`None`: none), showing its document and scrolling to it.
    Select(Option<AnnotationId>),
    /// The annotation clicked in the text (`None`: none), selected without scrolling.
    Pick(Option<AnnotationId>),
    /// The text selected in the article, as the analyst dragged or moved it.
    SelectText(super::article::TextSel),
    /// The text was clicked here in the compare view (the difference there becomes current).
    CompareClicked(crate::model::ByteOffset),
    /// Show document `i`, nothing selected.
    ShowDocument(usize),
    /// Run one of the analyst's named commands.
    Run(Command),
    /// Apply an edit of the project as one undo step under this label.
    Edit(String, Box<Result<Edit, EditError>>),
    /// Give an annotation another tag (if the analyst may change its layer).
    Retag(AnnotationId, TagId),
    /// Set an annotation's note to this text.
    SetNote(AnnotationId, String),
    /// Give an annotation these fragments (an edge dragged in the text).
    Resize(AnnotationId, Vec<crate::model::Fragment>),
    /// Set (`Some`) or clear (`None`) a value of an annotation.
    SetValue(
        AnnotationId,
        crate::model::AttributeId,
        Option<crate::model::Value>,
    ),
    /// Rename a code of a codebook.
    RenameCode(crate::model::CodebookId, crate::model::CodeId, String),
    /// Merge the second code of a codebook into the first: every use follows, one undo step.
    MergeCodes(
        crate::model::CodebookId,
        crate::model::CodeId,
        crate::model::CodeId,
    ),
    /// Set (or clear) a value on every one of these annotations, one undo step.
    SetValues(
        Vec<AnnotationId>,
        crate::model::AttributeId,
        Option<crate::model::Value>,
    ),
    /// Add this code to the codebook and give it to the annotation's attribute, one undo step.
    NewCode(
        AnnotationId,
        crate::model::AttributeId,
        crate::model::CodebookId,
        Box<crate::model::Code>,
    ),
    /// Set (or clear) the entity of an annotation.
    SetEntity(AnnotationId, Option<EntityId>),
    /// Create this entity and give it to the annotation, one undo step.
    NewEntityFor(AnnotationId, Box<Entity>),
    /// Give this relation another type (if the analyst may change its layer).
    RetypeRelation(RelationId, RelationKindId),
    /// Remove this relation (if the analyst may change its layer).
    RemoveRelation(RelationId),
    /// Finish the link being made at this annotation.
    FinishLink(AnnotationId),
    /// The field asked to take the keyboard has taken it.
    Focused,
    /// Show this layer besides the analyst's own.
    ShowLayer(ShownLayer),
    /// The preferences as the analyst changed them.
    Prefs(Box<Prefs>),
    /// Ask this question (a modal dialog).
    Ask(Modal),
    /// Open this project, asking first about unsaved changes.
    OpenRecent(PathBuf),
    /// Show the search's current hit (its article, the text selected there).
    ShowHit,
    /// Preview tagging every search hit with this tag (at the search's extent).
    PreviewTagAll(TagId),
    /// Tag every hit ticked in the preview, one undo step.
    CommitTagAll,
    /// Apply the schema editor's draft, one undo step; the editor closes if it is taken.
    ApplySchema(Box<super::schema_editor::SchemaDraft>),
    /// The question asked was answered.
    Answer(Box<super::questions::Answer>),
    /// Show this span in its article (showing its layer if it is hidden).
    OpenSpan(AnnotationId),
    /// Settle the current difference of the compare view so.
    Adjudicate(crate::review::Action),
    /// Make difference `i` of the article current and scroll to it.
    GoToDifference(usize),
    /// Merge the colleague's project as the merge window's preview shows.
    ConfirmMerge,
    /// Ask where to write, then export as the Export window says.
    StartExport,
    /// Ask for the files to import.
    ChooseImportFiles,
    /// Read the chosen files again and preview their import.
    CheckImport,
    /// Import as the preview shows, one undo step.
    ConfirmImport,
}

/// Where a panel puts its requests.
pub type Requests = Vec<Request>;
