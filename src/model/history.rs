//! Undo and redo: a list of inverse edits, with grouping so that a drag is one step.

use super::edit::{Edit, EditError};
use super::project::Project;

/// One undoable step: what it was called and the edit that undoes it.
#[derive(Clone, Debug)]
struct Step {
    label: String,
    undo: Edit,
}

/// A group being collected: its label and the inverses of its edits, oldest first (kept flat,
/// so that a group of thousands of edits does not nest thousands deep).
#[derive(Clone, Debug)]
struct Group {
    label: String,
    inverses: Vec<Edit>,
}

/// Undo/redo history of one project.
///
/// Every change goes through [`History::apply`]. Between [`History::begin_group`] and
/// [`History::end_group`] the edits applied become one step, so one drag or one bulk action is
/// undone at once.
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Step>,
    group: Option<Group>,
    /// Bumped by every change, undo and redo: lets views cache what they derive.
    generation: u64,
}

impl History {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies `edit` to `project` and records its inverse under `label`.
    pub fn apply(
        &mut self,
        project: &mut Project,
        label: &str,
        edit: Edit,
    ) -> Result<(), EditError> {
        if edit.is_empty() {
            return Ok(());
        }
        let inverse = edit.apply(project)?;
        self.generation += 1;
        self.redo.clear();
        match &mut self.group {
            Some(group) => group.inverses.push(inverse),
            None => self.undo.push(Step {
                label: label.to_owned(),
                undo: inverse,
            }),
        }
        Ok(())
    }

    /// Starts collecting edits into one step called `label` (nested calls join the outer group).
    pub fn begin_group(&mut self, label: &str) {
        if self.group.is_none() {
            self.group = Some(Group {
                label: label.to_owned(),
                inverses: Vec::new(),
            });
        }
    }

    /// Closes the current group; it becomes one undo step if it changed anything.
    pub fn end_group(&mut self) {
        if let Some(mut group) = self.group.take().filter(|g| !g.inverses.is_empty()) {
            group.inverses.reverse(); // undo the newest first
            self.undo.push(Step {
                label: group.label,
                undo: Edit::Batch(group.inverses),
            });
        }
    }

    /// Undoes the last step; returns its label, or `None` when there is nothing to undo.
    pub fn undo(&mut self, project: &mut Project) -> Result<Option<String>, EditError> {
        self.end_group();
        Self::shift(
            &mut self.undo,
            &mut self.redo,
            project,
            &mut self.generation,
        )
    }

    /// Redoes the last undone step; returns its label, or `None` when there is nothing to redo.
    pub fn redo(&mut self, project: &mut Project) -> Result<Option<String>, EditError> {
        self.end_group();
        Self::shift(
            &mut self.redo,
            &mut self.undo,
            project,
            &mut self.generation,
        )
    }

    fn shift(
        from: &mut Vec<Step>,
        to: &mut Vec<Step>,
        project: &mut Project,
        generation: &mut u64,
    ) -> Result<Option<String>, EditError> {
        let Some(step) = from.pop() else {
            return Ok(None);
        };
        match step.undo.clone().apply(project) {
            Ok(inverse) => {
                *generation += 1;
                to.push(Step {
                    label: step.label.clone(),
                    undo: inverse,
                });
                Ok(Some(step.label))
            }
            Err(e) => {
                from.push(step);
                Err(e)
            }
        }
    }

    /// Label of the step [`History::undo`] would undo.
    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|s| s.label.as_str())
    }

    /// The edit [`History::undo`] would apply (once an open group is ended).
    pub fn next_undo(&self) -> Option<&Edit> {
        self.undo.last().map(|s| &s.undo)
    }

    /// The edit [`History::redo`] would apply (once an open group is ended).
    pub fn next_redo(&self) -> Option<&Edit> {
        self.redo.last().map(|s| &s.undo)
    }

    /// Label of the step [`History::redo`] would redo.
    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|s| s.label.as_str())
    }

    /// Number of changes, undos and redos so far.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}
