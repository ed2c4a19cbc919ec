//! Every command of the window with its label and shortcut, in one list that the menus, the
//! command palette (Ctrl+K) and the cheat sheet (F1) all read, and that key presses are
//! matched against. Commands are run in one place, `MarginaliaApp::run`.

use egui::{Key, KeyboardShortcut, Modifiers};

/// A command the analyst can give.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs, reason = "each variant is described by its label()")]
pub enum Command {
    New,
    Open,
    Save,
    SaveAs,
    AddArticles,
    AddFolder,
    PasteArticle,
    EditMetadata,
    Export,
    Import,
    ImportColleague,
    Quit,
    Undo,
    Redo,
    RedoAlt,
    Copy,
    Delete,
    /// Tag the selection (or retag the selected annotation) with the schema's tag at this
    /// position.
    Tag(usize),
    StartLink,
    Cancel,
    ExtendToSentence,
    ExtendToParagraph,
    MoveStartLeft,
    MoveStartRight,
    MoveEndLeft,
    MoveEndRight,
    NextAnnotation,
    PrevAnnotation,
    NextDocument,
    PrevDocument,
    GoTo,
    Find,
    FindInProject,
    NextHit,
    PrevHit,
    TagAllMatches,
    Suggest,
    AcceptSuggestion,
    SkipSuggestion,
    EditEntity,
    EditNote,
    ZoomIn,
    ZoomOut,
    ZoomReset,
    ToggleWordSnap,
    ToggleLabels,
    ToggleArcs,
    ToggleDocuments,
    ToggleAnnotations,
    ToggleSummary,
    ToggleAgreement,
    Analysis,
    ToggleCompare,
    ToggleResult,
    NextDifference,
    PrevDifference,
    AcceptFirst,
    AcceptSecond,
    AcceptBoth,
    RejectDifference,
    EditDifference,
    AcceptAgreed,
    AcceptAgreedEverywhere,
    SchemaEditor,
    Codebooks,
    MergeEntities,
    EditTheirLayer,
    ToggleBlind,
    Preferences,
    Palette,
    CheatSheet,
}

const fn sc(modifiers: Modifiers, key: Key) -> Option<KeyboardShortcut> {
    Some(KeyboardShortcut::new(modifiers, key))
}

const CTRL: Modifiers = Modifiers::COMMAND;
const CTRL_SHIFT: Modifiers = Modifiers::COMMAND.plus(Modifiers::SHIFT);
const ALT_SHIFT: Modifiers = Modifiers::ALT.plus(Modifiers::SHIFT);
const NONE: Modifiers = Modifiers::NONE;

impl Command {
    /// Every command except the per-tag ones, in the order menus and the palette list them.
    pub const FIXED: [Command; 70] = [
        Command::New,
        Command::Open,
        Command::Save,
        Command::SaveAs,
        Command::AddArticles,
        Command::AddFolder,
        Command::PasteArticle,
        Command::EditMetadata,
        Command::Export,
        Command::Import,
        Command::ImportColleague,
        Command::Quit,
        Command::Undo,
        Command::Redo,
        Command::RedoAlt,
        Command::Copy,
        Command::Delete,
        Command::StartLink,
        Command::Cancel,
        Command::ExtendToSentence,
        Command::ExtendToParagraph,
        Command::MoveStartLeft,
        Command::MoveStartRight,
        Command::MoveEndLeft,
        Command::MoveEndRight,
        Command::NextAnnotation,
        Command::PrevAnnotation,
        Command::NextDocument,
        Command::PrevDocument,
        Command::GoTo,
        Command::Find,
        Command::FindInProject,
        Command::NextHit,
        Command::PrevHit,
        Command::TagAllMatches,
        Command::Suggest,
        Command::AcceptSuggestion,
        Command::SkipSuggestion,
        Command::EditEntity,
        Command::EditNote,
        Command::ZoomIn,
        Command::ZoomOut,
        Command::ZoomReset,
        Command::ToggleWordSnap,
        Command::ToggleLabels,
        Command::ToggleArcs,
        Command::ToggleDocuments,
        Command::ToggleAnnotations,
        Command::ToggleSummary,
        Command::ToggleAgreement,
        Command::Analysis,
        Command::ToggleCompare,
        Command::ToggleResult,
        Command::NextDifference,
        Command::PrevDifference,
        Command::AcceptFirst,
        Command::AcceptSecond,
        Command::AcceptBoth,
        Command::RejectDifference,
        Command::EditDifference,
        Command::AcceptAgreed,
        Command::AcceptAgreedEverywhere,
        Command::SchemaEditor,
        Command::Codebooks,
        Command::MergeEntities,
        Command::EditTheirLayer,
        Command::ToggleBlind,
        Command::Preferences,
        Command::Palette,
        Command::CheatSheet,
    ];

    /// What the command does, as menus and the palette show it.
    pub fn label(self) -> String {
        let s = match self {
            Command::New => "New project",
            Command::Open => "Open project…",
            Command::Save => "Save",
            Command::SaveAs => "Save as…",
            Command::AddArticles => "Add articles…",
            Command::AddFolder => "Add a folder of articles…",
            Command::PasteArticle => "New article from pasted text…",
            Command::EditMetadata => "Edit article details…",
            Command::Export => "Export dataset or summary…",
            Command::Import => "Import annotations…",
            Command::ImportColleague => "Import a colleague's project…",
            Command::Quit => "Quit",
            Command::Undo => "Undo",
            Command::Redo => "Redo",
            Command::RedoAlt => "Redo (alternative key)",
            Command::Copy => "Copy selected text",
            Command::Delete => "Delete the selected annotation",
            Command::Tag(i) => return format!("Tag as tag {}", i + 1),
            Command::StartLink => "Link the selected claim to…",
            Command::Cancel => "Cancel (link, search, selection)",
            Command::ExtendToSentence => "Extend the selection to whole sentences",
            Command::ExtendToParagraph => "Extend the selection to the paragraph",
            Command::MoveStartLeft => "Move the annotation's start left",
            Command::MoveStartRight => "Move the annotation's start right",
            Command::MoveEndLeft => "Move the annotation's end left",
            Command::MoveEndRight => "Move the annotation's end right",
            Command::NextAnnotation => "Next annotation",
            Command::PrevAnnotation => "Previous annotation",
            Command::NextDocument => "Next document",
            Command::PrevDocument => "Previous document",
            Command::GoTo => "Go to position…",
            Command::Find => "Find in article",
            Command::FindInProject => "Find in project",
            Command::NextHit => "Next match",
            Command::PrevHit => "Previous match",
            Command::TagAllMatches => "Tag all matches…",
            Command::Suggest => "Suggest mentions of known actors",
            Command::AcceptSuggestion => "Accept the suggestion",
            Command::SkipSuggestion => "Skip the suggestion",
            Command::EditEntity => "Edit the actor's entity",
            Command::EditNote => "Edit the note",
            Command::ZoomIn => "Larger text",
            Command::ZoomOut => "Smaller text",
            Command::ZoomReset => "Default text size",
            Command::ToggleWordSnap => "Snap selections to words (on/off)",
            Command::ToggleLabels => "Show tag names on the spans (on/off)",
            Command::ToggleArcs => "Show every relation as an arc (on/off)",
            Command::ToggleDocuments => "Show or hide the document list",
            Command::ToggleAnnotations => "Show or hide the annotation list",
            Command::ToggleSummary => "Show or hide the summary (who claims what)",
            Command::ToggleAgreement => "Show or hide the agreement between annotators",
            Command::Analysis => "Analysis: matrices, network and time chart…",
            Command::ToggleCompare => "Compare annotators",
            Command::ToggleResult => "Show the reviewed result or the differences",
            Command::NextDifference => "Next difference between annotators (N when comparing)",
            Command::PrevDifference => "Previous difference between annotators (P when comparing)",
            Command::AcceptFirst => "Accept the first annotator's version of the difference",
            Command::AcceptSecond => "Accept the second annotator's version of the difference",
            Command::AcceptBoth => "Accept every annotator's version of the difference",
            Command::RejectDifference => "Reject the difference (take nothing)",
            Command::EditDifference => "Accept the difference to edit it…",
            Command::AcceptAgreed => "Accept all agreed in this article",
            Command::AcceptAgreedEverywhere => "Accept all agreed in every article",
            Command::SchemaEditor => "Edit tags and relations…",
            Command::Codebooks => "Codebooks…",
            Command::MergeEntities => "Merge two entities…",
            Command::EditTheirLayer => "Edit this annotator's layer…",
            Command::ToggleBlind => "Blind coding: show only my layer (on/off)",
            Command::Preferences => "Preferences…",
            Command::Palette => "Command palette…",
            Command::CheatSheet => "Keyboard cheat sheet",
        };
        s.to_owned()
    }

    /// The fixed shortcut (per-tag shortcuts come from the schema).
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        match self {
            Command::New => sc(CTRL, Key::N),
            Command::Open => sc(CTRL, Key::O),
            Command::Save => sc(CTRL, Key::S),
            Command::SaveAs => sc(CTRL_SHIFT, Key::S),
            Command::AddArticles => sc(CTRL_SHIFT, Key::A),
            Command::PasteArticle => sc(CTRL_SHIFT, Key::V),
            Command::EditMetadata => sc(CTRL, Key::I),
            Command::Export => sc(CTRL, Key::E),
            Command::Import => sc(CTRL_SHIFT, Key::I),
            Command::ImportColleague => sc(CTRL_SHIFT, Key::O),
            Command::Quit => sc(CTRL, Key::Q),
            Command::Undo => sc(CTRL, Key::Z),
            Command::Redo => sc(CTRL_SHIFT, Key::Z),
            Command::RedoAlt => sc(CTRL, Key::Y),
            Command::Copy => sc(CTRL, Key::C),
            Command::Delete => sc(NONE, Key::Delete),
            Command::StartLink => sc(NONE, Key::L),
            Command::Cancel => sc(NONE, Key::Escape),
            Command::ExtendToSentence => sc(NONE, Key::S),
            Command::ExtendToParagraph => sc(NONE, Key::P),
            Command::MoveStartLeft => sc(ALT_SHIFT, Key::ArrowLeft),
            Command::MoveStartRight => sc(ALT_SHIFT, Key::ArrowRight),
            Command::MoveEndLeft => sc(Modifiers::ALT, Key::ArrowLeft),
            Command::MoveEndRight => sc(Modifiers::ALT, Key::ArrowRight),
            Command::NextAnnotation => sc(NONE, Key::CloseBracket),
            Command::PrevAnnotation => sc(NONE, Key::OpenBracket),
            Command::NextDocument => sc(CTRL, Key::PageDown),
            Command::PrevDocument => sc(CTRL, Key::PageUp),
            Command::GoTo => sc(CTRL, Key::G),
            Command::Find => sc(CTRL, Key::F),
            Command::FindInProject => sc(CTRL_SHIFT, Key::F),
            Command::NextHit => sc(NONE, Key::F3),
            Command::PrevHit => sc(Modifiers::SHIFT, Key::F3),
            Command::TagAllMatches => sc(CTRL_SHIFT, Key::T),
            Command::Suggest => sc(CTRL_SHIFT, Key::E),
            Command::AcceptSuggestion => sc(NONE, Key::Y),
            Command::SkipSuggestion => sc(NONE, Key::N),
            Command::EditEntity => sc(NONE, Key::E),
            Command::EditNote => sc(NONE, Key::F2),
            Command::ZoomIn => sc(CTRL, Key::Equals),
            Command::ZoomOut => sc(CTRL, Key::Minus),
            Command::ZoomReset => sc(CTRL, Key::Num0),
            Command::ToggleWordSnap => sc(Modifiers::ALT, Key::W),
            Command::ToggleDocuments => sc(CTRL, Key::B),
            Command::ToggleAnnotations => sc(CTRL_SHIFT, Key::B),
            Command::ToggleSummary => sc(CTRL_SHIFT, Key::M),
            Command::ToggleAgreement => sc(CTRL_SHIFT, Key::G),
            Command::Analysis => sc(CTRL_SHIFT, Key::Y),
            Command::ToggleCompare => sc(CTRL_SHIFT, Key::D),
            Command::ToggleResult => sc(CTRL_SHIFT, Key::R),
            Command::NextDifference => sc(NONE, Key::F8),
            Command::PrevDifference => sc(Modifiers::SHIFT, Key::F8),
            Command::AcceptFirst => sc(Modifiers::ALT, Key::Num1),
            Command::AcceptSecond => sc(Modifiers::ALT, Key::Num2),
            Command::AcceptBoth => sc(Modifiers::ALT, Key::A),
            Command::RejectDifference => sc(Modifiers::ALT, Key::R),
            Command::EditDifference => sc(Modifiers::ALT, Key::E),
            Command::SchemaEditor => sc(CTRL_SHIFT, Key::K),
            Command::Preferences => sc(CTRL, Key::Comma),
            Command::Palette => sc(CTRL, Key::K),
            Command::CheatSheet => sc(NONE, Key::F1),
            Command::AddFolder
            | Command::ToggleLabels
            | Command::ToggleArcs
            | Command::MergeEntities
            | Command::Codebooks
            | Command::EditTheirLayer
            | Command::ToggleBlind
            | Command::AcceptAgreed
            | Command::AcceptAgreedEverywhere
            | Command::Tag(_) => None,
        }
    }

    /// A longer explanation shown when the pointer rests on the command in a menu (empty where
    /// the label says it all).
    pub fn tooltip(self) -> &'static str {
        match self {
            Command::Analysis => {
                "Codes or tags × articles, codes × codes, codes × an article variable and \
                 statements over time, as shaded tables; a click on a figure lists its spans"
            }
            Command::Codebooks => {
                "Every code with how many spans use it: rename, merge two (one undo step), \
                 list a code's spans"
            }
            Command::ImportColleague => {
                "Merge a colleague's project file into this one: their layers, new articles, \
                 tags, entities and decisions, with a preview first; one undo step"
            }
            Command::EditTheirLayer => {
                "A colleague's annotations are read-only: this lets you change those of the \
                 selected annotation's layer, after a confirmation; each change records that \
                 you made it"
            }
            Command::ToggleBlind => {
                "For independent double coding: hide every layer but your own (highlights, \
                 link targets, the comparison and the agreement) in this project"
            }
            _ => "",
        }
    }

    /// Whether the shortcut works while a text field has the keyboard (file commands, the
    /// palette); the others would steal keys from typing.
    pub fn works_while_typing(self) -> bool {
        matches!(
            self,
            Command::New
                | Command::Open
                | Command::Save
                | Command::SaveAs
                | Command::Quit
                | Command::Palette
                | Command::CheatSheet
                | Command::NextHit
                | Command::PrevHit
                | Command::Find
                | Command::FindInProject
                | Command::NextDocument
                | Command::PrevDocument
        )
    }
}

/// A shortcut as the menus, the palette and the cheat sheet show it: egui's wording of the
/// modifiers, with a punctuation key as its character (`]`, not `CloseBracket`).
pub fn shortcut_text(ctx: &egui::Context, shortcut: &egui::KeyboardShortcut) -> String {
    let text = ctx.format_shortcut(shortcut);
    let key = shortcut.logical_key;
    let arrow = matches!(
        key,
        Key::ArrowDown | Key::ArrowLeft | Key::ArrowRight | Key::ArrowUp
    );
    match text.strip_suffix(key.name()) {
        Some(modifiers) if !arrow => format!("{modifiers}{}", key.symbol_or_name()),
        _ => text,
    }
}

/// The key for a tag's `key` string ("1" … "9", "0" or a letter).
pub fn key_of(name: &str) -> Option<Key> {
    Key::from_name(name.trim()).or_else(|| Key::from_name(&name.trim().to_uppercase()))
}

/// Takes a press of `key` with exactly `modifiers` (Ctrl and ⌘ count as the same) out of
/// this frame's events; `true` if there was one.
pub fn take_key(input: &mut egui::InputState, modifiers: Modifiers, key: Key) -> bool {
    let command = |m: &Modifiers| m.command || m.ctrl || m.mac_cmd;
    let matches = |m: &Modifiers| {
        m.alt == modifiers.alt && m.shift == modifiers.shift && command(m) == command(&modifiers)
    };
    let before = input.events.len();
    let mut taken = false;
    input.events.retain(|e| match e {
        egui::Event::Key {
            key: k,
            pressed: true,
            modifiers: m,
            ..
        } if !taken && *k == key && matches(m) => {
            taken = true;
            false
        }
        _ => true,
    });
    before != input.events.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The keys 1–9 and 0, for tags.
    const DIGITS: [Key; 10] = [
        Key::Num1,
        Key::Num2,
        Key::Num3,
        Key::Num4,
        Key::Num5,
        Key::Num6,
        Key::Num7,
        Key::Num8,
        Key::Num9,
        Key::Num0,
    ];

    #[test]
    fn no_two_commands_share_a_shortcut() {
        let mut seen = HashSet::new();
        for c in Command::FIXED {
            if let Some(s) = c.shortcut() {
                assert!(
                    seen.insert((s.modifiers, s.logical_key)),
                    "{c:?} reuses {s:?}"
                );
            }
        }
        for d in DIGITS {
            assert!(
                !seen.contains(&(NONE, d)),
                "a tag key is taken by a command"
            );
        }
    }

    #[test]
    fn punctuation_keys_show_as_their_characters() {
        let ctx = egui::Context::default();
        let text = |m, k| shortcut_text(&ctx, &egui::KeyboardShortcut::new(m, k));
        assert_eq!(text(NONE, Key::CloseBracket), "]");
        assert_eq!(text(NONE, Key::OpenBracket), "[");
        assert_eq!(text(Modifiers::CTRL, Key::Comma), "Ctrl+,");
        assert_eq!(text(Modifiers::CTRL, Key::S), "Ctrl+S");
        assert_eq!(text(Modifiers::ALT, Key::ArrowLeft), "Alt+Left");
        for c in Command::FIXED {
            if let Some(s) = c.shortcut() {
                let shown = text(s.modifiers, s.logical_key);
                assert!(!shown.contains("Bracket"), "{c:?} shows as {shown}");
            }
        }
    }

    #[test]
    fn tag_keys_parse() {
        assert_eq!(key_of("1"), Some(Key::Num1));
        assert_eq!(key_of("a"), Some(Key::A));
        assert_eq!(key_of(""), None);
    }
}
