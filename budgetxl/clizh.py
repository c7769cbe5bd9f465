"""click's own words in Chinese: usage errors and help boilerplate ("用法：", "选项：", "错误：" …).

click marks every message it prints with gettext (``_()`` and ``ngettext()`` in each of its
modules) and formats the placeholders after the lookup. A Chinese catalogue installed as those
modules' ``_``/``ngettext`` translates every such message at its source, with the placeholders
kept; a message not in the catalogue stays as click wrote it (a newer click's new wording).
"""

from __future__ import annotations

import importlib

MESSAGES = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "用“{command} {option}”查看帮助。",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Aborted!": "已中止。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing command.": "缺少命令。",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option: {name}": "没有选项：{name}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "integer": "整数",
    "float": "数字",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录，请给出文件。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，请给出目录。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "default: {default}": "默认：{default}",
    "required": "必需",
    "env var: {var}": "环境变量：{var}",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Invalid start character for option ({option})": "选项的起始字符无效（{option}）",
    "Name '{name}' defined twice": "名称“{name}”定义了两次",
    "Value must be an iterable.": "值必须是可迭代的。",
    "unknown error": "未知错误",
    "deprecated": "已弃用",
    "(Deprecated)": "（已弃用）",
    "Do you want to continue?": "是否继续？",
    "Repeat for confirmation": "请再输入一次确认",
    "Error: invalid input": "错误：输入无效",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
}
PLURALS = {
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Did you mean {possibility}?": "是否想用 {possibility}？",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，但只给了 1 个。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{len_type} values are required, but {len_value} was given.": "需要 {len_type} 个值，但给了 {len_value} 个。",
}
PLURALS_MANY = {
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Did you mean {possibility}?": "（是否想用以下之一：{possibilities}？）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要 {nargs} 个值。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choices} 之一。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，但给了 {len} 个。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {formats} 中的任何一个。",
    "{len_type} values are required, but {len_value} was given.": "需要 {len_type} 个值，但给了 {len_value} 个。",
}


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    table = PLURALS if n == 1 else PLURALS_MANY
    return table.get(singular, singular if n == 1 else plural)


_MODULES = ("click.core", "click.exceptions", "click.types", "click.parser", "click.decorators",
            "click.formatting", "click.termui", "click.utils")


TYPE_NAMES = {"STRING": "文本", "INT": "整数", "FLOAT": "数字", "BOOL": "是/否"}  # metavars: TEXT → 文本 …


def install() -> None:
    """Make click speak Chinese (idempotent)."""
    import click.types as types
    from click.exceptions import MissingParameter

    if not getattr(MissingParameter.format_message, "_zh", False):  # "缺少参数 'X'." → "缺少参数 'X'。"
        english = MissingParameter.format_message

        def format_message(self):
            text = english(self)
            return text[:-1] + "。" if text.endswith(".") else text
        format_message._zh = True
        MissingParameter.format_message = format_message

    for attr, name in TYPE_NAMES.items():  # the shared instances behind type=str, int … and metavars
        if hasattr(types, attr):
            getattr(types, attr).name = name
    for name in _MODULES:
        try:
            mod = importlib.import_module(name)
        except ImportError:  # pragma: no cover - a click without that module
            continue
        if hasattr(mod, "_"):
            mod._ = gettext
        if hasattr(mod, "ngettext"):
            mod.ngettext = ngettext


import click  # noqa: E402


class ZhFormatter(click.HelpFormatter):
    """Headings and the usage line with Chinese punctuation: "用法：", "选项：", "命令："."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="用法：" if prefix is None else prefix)


class ZhContext(click.Context):
    formatter_class = ZhFormatter


class ZhCommand(click.Command):
    context_class = ZhContext

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


class ZhGroup(click.Group):
    context_class = ZhContext
    command_class = ZhCommand

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)


install()
