"""Help ▸ Keys (every key of the action table), Help ▸ About, and what to do without libVLC."""

from __future__ import annotations

from importlib import metadata

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QScrollArea, QVBoxLayout, QWidget

from companion.ui.actions import ActionTable


def version() -> str:
    try:
        return metadata.version("companion")
    except metadata.PackageNotFoundError:
        return "development"


class KeysDialog(QDialog):
    def __init__(self, actions: ActionTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Companion keys")
        self.resize(560, 640)
        self.table = QLabel(actions.key_table_html())
        self.table.setTextFormat(Qt.TextFormat.RichText)
        scroll = QScrollArea()
        scroll.setWidget(self.table)
        scroll.setWidgetResizable(True)
        QVBoxLayout(self).addWidget(scroll)


class HelpController(QObject):
    def __init__(self, window: QWidget, actions: ActionTable, about: str) -> None:
        super().__init__(window)
        self.window, self.commands, self.about_text = window, actions, about
        self.keys_dialog: KeysDialog | None = None
        actions.bind("help.keys", self.show_keys)
        actions.bind("help.about", self.show_about)

    def show_keys(self) -> None:
        if self.keys_dialog is None:
            self.keys_dialog = KeysDialog(self.commands, self.window)
        self.keys_dialog.table.setText(self.commands.key_table_html())  # bindings made since
        self.keys_dialog.show()
        self.keys_dialog.raise_()

    def show_about(self) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "About Companion",
            f"<b>Companion {version()}</b><br>Watch your copy of a film with its director's "
            f"commentary following along.<br><br>{self.about_text}",
            parent=self.window,
        )
        box.setModal(False)
        box.show()
        return box


def missing_vlc_box(parent: QWidget, problem: str) -> QMessageBox:
    """Non-modal: the viewer reads the install command while the rest of the app works."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "libVLC is missing",
        "Companion plays your film with libVLC (VLC 3), which is not usable here.\n\n"
        f"{problem}\n\nUntil then, the commentary, notes, search and the "
        "second-screen clock all work.",
        parent=parent,
    )
    box.setModal(False)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    QTimer.singleShot(0, box.show)
    return box
