//! Small widget helpers shared by the panels and windows.

use egui::{Key, Response, Ui, Widget};

/// A caption, then `widget` named by it: screen readers and tests find the widget by the
/// caption, and the caption reads before the field it names.
pub fn labelled(ui: &mut Ui, caption: &str, widget: impl Widget) -> Response {
    let label = ui.label(caption);
    ui.add(widget).labelled_by(label.id)
}

/// Gives a dialog's field the keyboard focus on the first frame it is shown, and leaves the
/// focus alone while it stays open.
///
/// Requesting the focus on every frame looks harmless under test, but each request also
/// interrupts the input method: on X11, winit then destroys and recreates the input context
/// every frame, the window repaints nonstop and loses clicks and Enter.
pub fn focus_when_shown(ui: &Ui, response: &Response) {
    let key = response.id.with("shown at frame");
    let frame = ui.ctx().cumulative_frame_nr();
    let last: Option<u64> = ui.data(|d| d.get_temp(key));
    ui.data_mut(|d| d.insert_temp(key, frame));
    // Shown in this frame's earlier pass or in the previous frame: still open.
    if last.is_none_or(|f| f + 1 < frame) {
        response.request_focus();
    }
}

/// Whether Enter was pressed in this single-line field this frame (egui lets go of the
/// field's focus on Enter).
pub fn submitted(ui: &Ui, response: &Response) -> bool {
    response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter))
}
