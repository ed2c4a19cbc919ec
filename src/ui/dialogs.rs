//! Native file dialogs behind a trait, so tests script them; and the window's modal
//! questions (unsaved work, recovery, a changed file, a lock), each a plain value the app
//! shows and answers in one place.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::rc::Rc;

use crate::formats::{Format, Output};

/// The file dialogs the window uses.
pub trait FileDialogs {
    /// A project file to open.
    fn open_project(&mut self) -> Option<PathBuf>;
    /// Where to save the project; `suggested` is a file name.
    fn save_project(&mut self, suggested: &str) -> Option<PathBuf>;
    /// Article files to add.
    fn pick_articles(&mut self) -> Vec<PathBuf>;
    /// A folder of articles to add.
    fn pick_folder(&mut self) -> Option<PathBuf>;
    /// Where to write an export in `format`: a file (named `suggested` to start with) or, for
    /// formats that write a folder, a folder.
    fn export_target(&mut self, format: Format, suggested: &str) -> Option<PathBuf>;
    /// Files (or, for brat, a folder) to import in `format`.
    fn import_inputs(&mut self, format: Format) -> Vec<PathBuf>;
    /// A colleague's project file to merge into this one.
    fn colleague_project(&mut self) -> Option<PathBuf>;
}

/// The system's dialogs, through `rfd`.
#[derive(Default)]
pub struct NativeDialogs;

impl FileDialogs for NativeDialogs {
    fn open_project(&mut self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .add_filter("Marginalia project", &["ron"])
            .pick_file()
    }

    fn save_project(&mut self, suggested: &str) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .add_filter("Marginalia project", &["ron"])
            .set_file_name(suggested)
            .save_file()
    }

    fn pick_articles(&mut self) -> Vec<PathBuf> {
        rfd::FileDialog::new()
            .add_filter("Articles", &["txt", "md", "markdown", "html", "htm"])
            .pick_files()
            .unwrap_or_default()
    }

    fn pick_folder(&mut self) -> Option<PathBuf> {
        rfd::FileDialog::new().pick_folder()
    }

    fn export_target(&mut self, format: Format, suggested: &str) -> Option<PathBuf> {
        match (format.output(), format.extension()) {
            (Output::File, Some(ext)) => rfd::FileDialog::new()
                .add_filter(format.describe(), &[ext])
                .set_file_name(suggested)
                .save_file(),
            _ => rfd::FileDialog::new()
                .set_title(format!("Folder for the {} export", format.name()))
                .pick_folder(),
        }
    }

    fn import_inputs(&mut self, format: Format) -> Vec<PathBuf> {
        let dialog = rfd::FileDialog::new().set_title(format!("{} files to import", format.name()));
        match format {
            Format::Brat => dialog.pick_folder().into_iter().collect(),
            Format::Jsonl | Format::Doccano => dialog
                .add_filter("JSON lines", &["jsonl", "json"])
                .pick_files()
                .unwrap_or_default(),
            Format::Conll => dialog
                .add_filter("CoNLL", &["conll", "txt", "tsv"])
                .pick_files()
                .unwrap_or_default(),
            Format::Webanno => dialog
                .add_filter("WebAnno TSV", &["tsv"])
                .pick_files()
                .unwrap_or_default(),
            _ => dialog
                .add_filter("JSON", &["json", "jsonld"])
                .pick_files()
                .unwrap_or_default(),
        }
    }

    fn colleague_project(&mut self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("A colleague's project to merge into yours")
            .add_filter("Marginalia project", &["ron"])
            .pick_file()
    }
}

/// Dialogs that answer from a script: each call takes the next answer (an empty list is a
/// cancelled dialog). Clones share the script, so a test keeps one to add answers later.
#[derive(Clone, Default)]
pub struct ScriptedDialogs {
    answers: Rc<RefCell<VecDeque<Vec<PathBuf>>>>,
}

impl ScriptedDialogs {
    /// An empty script: every dialog is cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// The next dialog answers `paths` (nothing: cancelled).
    pub fn answer(&self, paths: Vec<PathBuf>) {
        self.answers.borrow_mut().push_back(paths);
    }

    /// Answers not used yet.
    pub fn pending(&self) -> usize {
        self.answers.borrow().len()
    }

    fn next(&mut self) -> Vec<PathBuf> {
        self.answers.borrow_mut().pop_front().unwrap_or_default()
    }
}

impl FileDialogs for ScriptedDialogs {
    fn open_project(&mut self) -> Option<PathBuf> {
        self.next().into_iter().next()
    }

    fn save_project(&mut self, _suggested: &str) -> Option<PathBuf> {
        self.next().into_iter().next()
    }

    fn pick_articles(&mut self) -> Vec<PathBuf> {
        self.next()
    }

    fn pick_folder(&mut self) -> Option<PathBuf> {
        self.next().into_iter().next()
    }

    fn export_target(&mut self, _format: Format, _suggested: &str) -> Option<PathBuf> {
        self.next().into_iter().next()
    }

    fn import_inputs(&mut self, _format: Format) -> Vec<PathBuf> {
        self.next()
    }

    fn colleague_project(&mut self) -> Option<PathBuf> {
        self.next().into_iter().next()
    }
}

/// What to do once unsaved work has been saved or discarded.
#[derive(Clone, Debug, PartialEq)]
pub enum After {
    /// Close the window.
    Quit,
    /// Start a new, empty project.
    New,
    /// Open a project (the path, or ask).
    Open(Option<PathBuf>),
}

/// What the window asks and tells the analyst.
pub struct Asking {
    /// The question being asked, if any.
    pub modal: Option<Modal>,
    /// The last notice, and whether it is an error.
    pub message: Option<(String, bool)>,
    /// The file dialogs (native, or scripted in tests).
    pub dialogs: Box<dyn FileDialogs>,
}

impl Default for Asking {
    fn default() -> Self {
        Asking {
            modal: None,
            message: None,
            dialogs: Box::new(NativeDialogs),
        }
    }
}

/// A question the window is asking; nothing else takes input until it is answered.
#[derive(Clone, Debug, PartialEq)]
pub enum Modal {
    /// Unsaved changes before `After`.
    Unsaved(After),
    /// Work recovered from an autosave: what differs from the saved file.
    Recover {
        /// The recovery file.
        recovery: PathBuf,
        /// What differs, one line each.
        lines: Vec<String>,
    },
    /// The file on disk changed since it was loaded or saved.
    ChangedOnDisk,
    /// Another instance holds the project's lock.
    Locked {
        /// Who holds it.
        holder: String,
        /// The project.
        path: PathBuf,
        /// Whether the lock stands in the way of saving there (else of opening it).
        for_save: bool,
    },
    /// The annotator's name, asked on first start.
    Annotator(String),
    /// A new article from pasted text: title and text.
    Paste {
        /// Title.
        title: String,
        /// Text.
        text: String,
        /// Whether the system clipboard's text was asked for and has not arrived yet: it
        /// goes into the article text, whichever field has the focus, unless the analyst
        /// has typed into either field first.
        awaiting_clipboard: bool,
    },
    /// Go to a position: "line" or "line:column" or "#offset".
    GoTo(String),
    /// Edit an article's details.
    Metadata(crate::model::DocId, crate::model::DocumentMeta),
    /// Merge one entity into another.
    MergeEntities {
        /// The entity kept.
        keep: Option<crate::model::EntityId>,
        /// The entity merged away.
        gone: Option<crate::model::EntityId>,
    },
    /// Open another annotator's layer for editing (their annotations are read-only until
    /// then).
    EditLayer(String),
    /// Delete a tag that is in use.
    DeleteTag {
        /// The tag.
        tag: crate::model::TagId,
        /// How many annotations use it.
        uses: usize,
    },
}
