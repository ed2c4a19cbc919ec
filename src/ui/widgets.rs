//! Small widget helpers shared by the panels and windows.

use egui::{Response, Ui, Widget};

/// A caption, then `widget` named by it: screen readers and tests find the widget by the
/// caption, and the caption reads before the field it names.
pub fn labelled(ui: &mut Ui, caption: &str, widget: impl Widget) -> Response {
    let label = ui.label(caption);
    ui.add(widget).labelled_by(label.id)
}
