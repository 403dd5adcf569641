"""Document readers, available when their libraries are installed (as in OpenHands)."""


def _missing(library, package):
    print(f'ERROR: {library} is not installed in this Python; install it with `pip install {package}`.')


def parse_pdf(file_path):
    """Prints the text of a PDF (needs pypdf or PyPDF2)."""
    try:
        try:
            from pypdf import PdfReader
        except ImportError:
            from PyPDF2 import PdfReader
    except ImportError:
        _missing('pypdf', 'pypdf')
        return
    print(f'[Reading PDF file from {file_path}]')
    reader = PdfReader(file_path)
    text = ''
    for number, page in enumerate(reader.pages):
        text += f'@@ Page {number + 1} @@\n'
        text += (page.extract_text() or '') + '\n\n'
    print(text.strip())


def parse_docx(file_path):
    """Prints the paragraphs of a DOCX file (needs python-docx)."""
    try:
        import docx
    except ImportError:
        _missing('python-docx', 'python-docx')
        return
    print(f'[Reading DOCX file from {file_path}]')
    document = docx.Document(file_path)
    text = ''
    for number, paragraph in enumerate(document.paragraphs):
        text += f'@@ Page {number + 1} @@\n' + paragraph.text + '\n\n'
    print(text)


def parse_latex(file_path):
    """Prints the text of a LaTeX file (needs pylatexenc)."""
    try:
        from pylatexenc.latex2text import LatexNodes2Text
    except ImportError:
        _missing('pylatexenc', 'pylatexenc')
        return
    print(f'[Reading LaTex file from {file_path}]')
    with open(file_path) as handle:
        print(LatexNodes2Text().latex_to_text(handle.read()).strip())


def parse_pptx(file_path):
    """Prints the text of each slide of a PowerPoint file (needs python-pptx)."""
    try:
        from pptx import Presentation
    except ImportError:
        _missing('python-pptx', 'python-pptx')
        return
    print(f'[Reading PowerPoint file from {file_path}]')
    try:
        presentation = Presentation(str(file_path))
        text = []
        for number, slide in enumerate(presentation.slides):
            text.append(f'@@ Slide {number + 1} @@')
            for shape in slide.shapes:
                if hasattr(shape, 'text'):
                    text.append(shape.text)
        print('\n'.join(text))
    except Exception as error:
        print(f'Error reading PowerPoint file: {error}')
