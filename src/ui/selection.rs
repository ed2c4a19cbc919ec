//! What the analyst is looking at and working on: the document shown, the annotation
//! selected, the text selection in the article, the field that takes the keyboard next, and
//! a link being made.
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
    /// A link being made from the selected claim, while the analyst picks its other end.
    pub linking: Option<Linking>,
}

/// A link being made from a claim: the analyst picks its other end next.
#[derive(Clone, Debug, PartialEq)]
pub struct Linking {
    /// The annotation the link starts from.
    pub from: AnnotationId,
}
