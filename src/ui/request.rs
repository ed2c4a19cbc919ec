//! What a panel asks the window to do. A panel that owns its state draws from what it is
//! given to read and pushes [`Request`]s; `MarginaliaApp::act` in `run.rs` carries them out,
//! the one place where the window's state changes on a panel's behalf, as `run` is for the
//! analyst's named commands (menus, keys, palette). A request carries what a command cannot,
//! such as which annotation was clicked.

use crate::model::{AnnotationId, RelationId, RelationKindId};

/// One thing a panel asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// Select this annotation (`None`: none), showing its document and scrolling to it.
    Select(Option<AnnotationId>),
    /// Give this relation another type (if the analyst may change its layer).
    RetypeRelation(RelationId, RelationKindId),
    /// Remove this relation (if the analyst may change its layer).
    RemoveRelation(RelationId),
}
