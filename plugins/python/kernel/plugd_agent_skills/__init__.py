"""OpenHands' agent_skills for plugd's python kernel, written for plugd.

The same function names, arguments and printed outputs as OpenHands' agent_skills
(file_ops, file_reader, and oh_aci's file_editor), so code an agent writes against
OpenHands' kernel runs here unchanged. The driver imports `*` into the user namespace.
"""
from .editor import file_editor
from .file_ops import (
    create_file,
    edit_file_by_replace,
    find_file,
    goto_line,
    open_file,
    scroll_down,
    scroll_up,
    search_dir,
    search_file,
)
from .file_reader import parse_docx, parse_latex, parse_pdf, parse_pptx

__all__ = [
    'open_file',
    'goto_line',
    'scroll_down',
    'scroll_up',
    'create_file',
    'edit_file_by_replace',
    'search_dir',
    'search_file',
    'find_file',
    'parse_pdf',
    'parse_docx',
    'parse_latex',
    'parse_pptx',
    'file_editor',
]
