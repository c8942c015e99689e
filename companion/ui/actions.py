"""Every command of the window and its keys, once, as data.

Menus, shortcuts, tooltips and Help ▸ Keys are all made from :data:`ACTIONS` (qutebrowser keeps
its bindings the same way). A controller *binds* the ids it handles; an entry nobody bound is left
out of the menus. Adding a command is one line here plus one ``bind`` in the module that does it:
the Sync and Listen menus (issues "Your copy's clock", "Heard timings") hook in that way::

    Command("tools.sync", TOOLS, "&Sync again"),                # here
    window.commands.bind("tools.sync", controller.sync)          # in ui/copy_clock.py
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMenuBar

FILE, PLAYBACK, AUDIO, SUBTITLES, VIEW = "&File", "&Playback", "&Audio", "&Subtitles", "&View"
TIMINGS, TOOLS, HELP = "&Edit timings", "&Tools", "&Help"
MENUS = (FILE, PLAYBACK, AUDIO, SUBTITLES, VIEW, TIMINGS, TOOLS, HELP)


@dataclass(frozen=True)
class Command:
    """One command: where it sits in the menus, its keys (first is shown) and what it does."""

    id: str
    menu: str
    text: str
    keys: tuple[str | QKeySequence.StandardKey, ...] = ()
    tip: str = ""
    checkable: bool = False
    separator_before: bool = False
    submenu: str = ""  # a placeholder menu filled when it opens (recent files, tracks)


Std = QKeySequence.StandardKey  # this platform's binding (made once Qt runs)


ACTIONS: tuple[Command, ...] = (
    Command("file.open", FILE, "&Open video…", (Std.Open,)),
    Command("file.recent", FILE, "Open &recent", submenu="recent"),
    Command("file.close", FILE, "&Close video (clock mode)", ("Ctrl+W",)),
    Command("file.quit", FILE, "&Quit", (Std.Quit,), separator_before=True),
    Command("play.toggle", PLAYBACK, "Play / pause", ("Space",), "Also: click the picture"),
    Command("play.back5", PLAYBACK, "Back 5 s", ("Left",)),
    Command("play.forward5", PLAYBACK, "Forward 5 s", ("Right",)),
    Command("play.back30", PLAYBACK, "Back 30 s", ("Ctrl+Left",)),
    Command("play.forward30", PLAYBACK, "Forward 30 s", ("Ctrl+Right",)),
    Command("play.goto", PLAYBACK, "Go to time…", ("Ctrl+G",), "Type the time your TV shows"),
    Command("play.slower", PLAYBACK, "Slower", ("[",), separator_before=True),
    Command("play.faster", PLAYBACK, "Faster", ("]",)),
    Command("play.normal", PLAYBACK, "Normal speed", ("=",)),
    Command("audio.track", AUDIO, "Audio &track", submenu="audio"),
    Command("audio.up", AUDIO, "Volume up", ("Up",), "Also: the wheel over the picture"),
    Command("audio.down", AUDIO, "Volume down", ("Down",)),
    Command("audio.mute", AUDIO, "Mute", ("M",)),
    Command(
        "audio.listen",
        AUDIO,
        "Listen to this commentary track",
        tip="Place every sentence where the director says it on this audio track",
        separator_before=True,
    ),
    Command("subs.track", SUBTITLES, "Subtitle &track", submenu="subtitles"),
    Command("subs.load", SUBTITLES, "&Load subtitle file…"),
    Command("view.fullscreen", VIEW, "&Fullscreen", ("F",), "Also: double-click the picture"),
    Command("view.leave", VIEW, "Leave fullscreen / leave the search box", ("Escape",)),
    Command("view.panel_mode", VIEW, "Panel in fullscreen", submenu="panel_mode"),
    Command("view.panel", VIEW, "Show &panel", ("Ctrl+P",), checkable=True),
    Command("view.browser", VIEW, "Show &browser", ("Ctrl+B",), checkable=True),
    Command("view.search", VIEW, "&Search", (Std.Find,)),
    Command("view.marquee", VIEW, "Commentary line on the &video", checkable=True),
    Command("edit.start", TIMINGS, "Set start at playhead", ("I",)),
    Command("edit.end", TIMINGS, "Set end at playhead", ("O",)),
    Command("edit.start-0.1", TIMINGS, "Start −0.1 s", ("Alt+Left",)),
    Command("edit.start+0.1", TIMINGS, "Start +0.1 s", ("Alt+Right",)),
    Command("edit.start-1", TIMINGS, "Start −1 s", ("Alt+Shift+Left",)),
    Command("edit.start+1", TIMINGS, "Start +1 s", ("Alt+Shift+Right",)),
    Command("edit.end-0.1", TIMINGS, "End −0.1 s", ("Ctrl+Alt+Left",)),
    Command("edit.end+0.1", TIMINGS, "End +0.1 s", ("Ctrl+Alt+Right",)),
    Command("edit.pin", TIMINGS, "Pin / unpin segment", ("P",), "Unpin never moves it"),
    Command("edit.revert", TIMINGS, "Revert segment to machine time", ("Shift+P",)),
    Command("edit.undo", TIMINGS, "Undo", (Std.Undo,), separator_before=True),
    Command("edit.redo", TIMINGS, "Redo", ("Ctrl+Shift+Z",)),
    Command("tools.align", TOOLS, "&Align to subtitles…", (), "Anchor the commentary to your copy"),
    # Bound by its own module (ui/copy_clock.py); Audio ▸ Listen is ui/listening.py's.
    Command("tools.sync", TOOLS, "&Sync again", (), "Measure this copy's clock again"),
    Command("tools.offset", TOOLS, "Set &offset by hand…", (), "How much later your copy runs"),
    Command("tools.export", TOOLS, "&Export timings…", separator_before=True),
    Command("tools.import", TOOLS, "&Import timings…"),
    Command("help.keys", HELP, "&Keys", ("F1",)),
    Command("help.about", HELP, "&About Companion"),
)


def shortcut_text(command: Command) -> str:
    native = QKeySequence.SequenceFormat.NativeText
    return " / ".join(QKeySequence(k).toString(native) for k in command.keys)


class ActionTable(QObject):
    """The QActions made from the table. A controller binds the ids it handles; each lands in
    its menu (menus keep the table's order, whenever they are bound)."""

    def __init__(self, window: QMainWindow, commands: Iterable[Command] = ACTIONS) -> None:
        super().__init__(window)
        self.window = window
        self.commands = {c.id: c for c in commands}
        self.actions: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {}

    def bind(self, command_id: str, handler: Callable) -> QAction:
        """``handler`` runs on the command (with the checked state if it is checkable)."""
        command = self.commands[command_id]
        action = QAction(command.text, self.window)
        action.setShortcuts([QKeySequence(k) for k in command.keys])
        action.setCheckable(command.checkable)
        tip = command.tip or command.text.replace("&", "").rstrip("…")
        action.setToolTip(f"{tip} ({shortcut_text(command)})" if command.keys else tip)
        (action.toggled if command.checkable else action.triggered).connect(handler)
        self.window.addAction(action)  # shortcuts work with the menu bar hidden (fullscreen)
        self.actions[command_id] = action
        self._place(command).addAction(action)
        return action

    def submenu(self, command_id: str) -> QMenu:
        """The placeholder submenu of a command (filled by its owner, e.g. on aboutToShow)."""
        command = self.commands[command_id]
        menu = self._place(command).addMenu(command.text)
        self.menus[command_id] = menu
        return menu

    def __getitem__(self, command_id: str) -> QAction:
        return self.actions[command_id]

    def _place(self, command: Command) -> QMenu:
        """The command's menu (made in table order), after a separator when the table says so."""
        menu = self.menus.get(command.menu)
        if menu is None:
            bar: QMenuBar = self.window.menuBar()
            later = [
                self.menus[m] for m in MENUS[MENUS.index(command.menu) + 1 :] if m in self.menus
            ]
            menu = QMenu(command.menu, bar)
            if later:
                bar.insertMenu(later[0].menuAction(), menu)
            else:
                bar.addMenu(menu)
            self.menus[command.menu] = menu
        if command.separator_before and not menu.isEmpty():
            menu.addSeparator()
        return menu

    def key_table_html(self) -> str:
        """Help ▸ Keys: every bound command that has keys, grouped by menu."""
        rows = []
        for menu in MENUS:
            entries = [
                c
                for c in self.commands.values()
                if c.menu == menu and c.keys and c.id in self.actions
            ]
            if not entries:
                continue
            rows.append(f'<tr><td colspan="2"><b>{escape(menu.replace("&", ""))}</b></td></tr>')
            rows += [
                f"<tr><td>{escape(shortcut_text(c))}</td>"
                f"<td>{escape(c.text.replace('&', ''))}"
                f"{' · ' + escape(c.tip) if c.tip else ''}</td></tr>"
                for c in entries
            ]
        return "<table cellspacing=4>" + "".join(rows) + "</table>"
