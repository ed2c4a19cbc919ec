//! What the analyst is looking at and working on: the document shown, the annotation
//! selected, the text selection in the article, and the field that takes the keyboard next.
//! Panels read it; commands and clicks change it.

use crate::model::AnnotationId;

use super::article::TextSel;

/// The window's selection and focus.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    /// Index of the document shown.
    pub doc: usize,
    /// The selected annotation.
    pub annotation: Option<AnnotationId>,
    /// The text selection (byte offsets into the document shown).
    pub text: TextSel,
    /// Move keyboard focus to this field next frame.
    pub focus: Option<&'static str>,
}
