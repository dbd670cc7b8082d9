"""xlsx inputs with the features ``compare_table``'s structural rules read: charts, pivot tables, cell styles,
conditional formats, data validation, freeze panes, zoom, row properties, and the per-sheet CSV that LibreOffice's
export writes beside a workbook.

``build_book(path, spec)``: ``spec = {"sheets": {name: rows}, "features": {name: {...}}, "printed": {name: text}}``.
Per-sheet features: ``freeze`` ("B2"), ``zoom`` (int), ``rows`` ({row: {"hidden", "height"}}), ``styles``
({coordinate: {"font": {...}, "fill": {...}, "number_format": str}}), ``validations`` ([{"type", "formula1",
"sqref", ...}]), ``conditional`` ([{"range", "formula", "font", "fill", "kind"}]), ``charts`` ([{"kind", "values",
"cats", "title", "legend", "x_title", "y_title", "direction", "at"}]) and ``pivots`` ([{"source", "source_sheet",
"fields", "rows", "cols", "data", "pages", "items", "name", "location"}]). Text is stored as shared strings
(as LibreOffice stores it) unless ``"inline_strings": True`` keeps openpyxl's inline strings.
"""

from __future__ import annotations

from pathlib import Path


def _font(spec: dict):
    from openpyxl.styles import Font

    return Font(
        name=spec.get("name"),
        bold=spec.get("bold"),
        italic=spec.get("italic"),
        underline=spec.get("underline"),
        size=spec.get("size"),
        color=spec.get("color"),
    )


def _fill(spec: dict):
    from openpyxl.styles import PatternFill

    return PatternFill(
        fill_type=spec.get("type", "solid"), fgColor=spec.get("fg", "FF000000"), bgColor=spec.get("bg", "FF000000")
    )


def _chart(sheet, spec: dict):
    from openpyxl import chart as charts

    kinds = {"bar": charts.BarChart, "line": charts.LineChart, "pie": charts.PieChart, "area": charts.AreaChart}
    if spec["kind"] == "scatter":
        made = charts.ScatterChart()
        xs = charts.Reference(sheet, range_string=f"{sheet.title}!{spec['cats']}")
        ys = charts.Reference(sheet, range_string=f"{sheet.title}!{spec['values']}")
        made.series.append(charts.Series(ys, xs))
    else:
        made = kinds[spec["kind"]]()
        made.add_data(charts.Reference(sheet, range_string=f"{sheet.title}!{spec['values']}"), titles_from_data=True)
        if "cats" in spec:
            made.set_categories(charts.Reference(sheet, range_string=f"{sheet.title}!{spec['cats']}"))
    if "title" in spec:
        made.title = spec["title"]
    if "legend" in spec:
        if spec["legend"] is None:
            made.legend = None
        else:
            made.legend.position = spec["legend"]
    if "x_title" in spec:
        made.x_axis.title = spec["x_title"]
    if "y_title" in spec:
        made.y_axis.title = spec["y_title"]
    if "direction" in spec:
        made.type = spec["direction"]
    sheet.add_chart(made, spec.get("at", "H2"))


def _pivot(sheet, spec: dict):
    from openpyxl.pivot.cache import CacheDefinition, CacheField, CacheSource, WorksheetSource
    from openpyxl.pivot.table import (
        DataField,
        FieldItem,
        Location,
        PageField,
        PivotField,
        RowColField,
        TableDefinition,
    )

    n = spec["fields"]
    items = {int(k): v for k, v in spec.get("items", {}).items()}
    fields = []
    for i in range(n):
        axis = "axisRow" if i in spec.get("rows", []) else "axisCol" if i in spec.get("cols", []) else None
        axis = "axisPage" if i in spec.get("pages", []) else axis
        made = [FieldItem(h=h, x=x) for h, x in items.get(i, [])]
        fields.append(PivotField(axis=axis, items=made, dataField=any(d[0] == i for d in spec.get("data", []))))
    source = CacheSource(
        type="worksheet", worksheetSource=WorksheetSource(ref=spec["source"], sheet=spec.get("source_sheet", "Sheet1"))
    )
    cache = CacheDefinition(cacheSource=source, cacheFields=[CacheField(name=f"f{i}") for i in range(n)])
    table = TableDefinition(
        name=spec.get("name", "PivotTable1"),
        cacheId=1,
        dataCaption="Values",
        location=Location(ref=spec.get("location", "A1:D10"), firstHeaderRow=1, firstDataRow=1, firstDataCol=1),
        pivotFields=fields,
        rowFields=[RowColField(x=i) for i in spec.get("rows", [])],
        colFields=[RowColField(x=i) for i in spec.get("cols", [])],
        dataFields=[
            DataField(fld=d[0], subtotal=d[1], name=d[2] if len(d) > 2 else None) for d in spec.get("data", [])
        ],
        pageFields=[PageField(fld=i) for i in spec.get("pages", [])],
    )
    table.cache = cache
    sheet.add_pivot(table)


def _features(sheet, spec: dict):
    from openpyxl.formatting.rule import Rule
    from openpyxl.styles.differential import DifferentialStyle
    from openpyxl.worksheet.datavalidation import DataValidation

    if "freeze" in spec:
        sheet.freeze_panes = spec["freeze"]
    if "zoom" in spec:
        sheet.sheet_view.zoomScale = spec["zoom"]
    for row, props in spec.get("rows", {}).items():
        for key, value in props.items():
            setattr(sheet.row_dimensions[int(row)], key, value)
    for coordinate, props in spec.get("styles", {}).items():
        cell = sheet[coordinate]
        if "font" in props:
            cell.font = _font(props["font"])
        if "fill" in props:
            cell.fill = _fill(props["fill"])
        if "number_format" in props:
            cell.number_format = props["number_format"]
        if "hyperlink" in props:
            cell.hyperlink = props["hyperlink"]
    for props in spec.get("validations", []):
        props = dict(props)
        sqref = props.pop("sqref")
        validation = DataValidation(**props)
        validation.add(sqref)
        sheet.add_data_validation(validation)
    for props in spec.get("conditional", []):
        diff = DifferentialStyle(
            font=_font(props["font"]) if "font" in props else None,
            fill=_fill(props["fill"]) if "fill" in props else None,
        )
        kind = props.get("kind", "expression")
        if kind == "expression":
            rule = Rule(type="expression", dxf=diff, formula=[props["formula"]])
        else:
            rule = Rule(type=kind, operator=props.get("operator"), dxf=diff, formula=[props["formula"]])
        sheet.conditional_formatting.add(props["range"], rule)
    for chart in spec.get("charts", []):
        _chart(sheet, chart)
    for pivot in spec.get("pivots", []):
        _pivot(sheet, pivot)


def _share_strings(path: Path) -> None:
    """Rewrite openpyxl's inline strings as a shared-string table, the way LibreOffice and Excel store text."""
    import re
    import zipfile
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    table: list[str] = []

    def share(match):
        text = match.group(2)
        if text not in table:
            table.append(text)
        return f'{match.group(1)} t="s"><v>{table.index(text)}</v></c>'

    pattern = re.compile(r'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>', re.S)
    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        parts[name] = pattern.sub(share, parts[name].decode()).encode()
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    items = "".join(f"<si><t>{text}</t></si>" for text in table)
    parts["xl/sharedStrings.xml"] = f'<sst xmlns="{main}" count="{len(table)}">{items}</sst>'.encode()
    rel = (
        '<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    parts["xl/_rels/workbook.xml.rels"] = (
        parts["xl/_rels/workbook.xml.rels"].decode().replace("</Relationships>", rel).encode()
    )
    kind = escape("application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
    override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/></Types>'
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].decode().replace("</Types>", override).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def build_book(path, spec: dict) -> str:
    import openpyxl

    path = Path(path)
    book = openpyxl.Workbook()
    for i, (name, rows) in enumerate(spec["sheets"].items()):
        sheet = book.active if i == 0 else book.create_sheet()
        sheet.title = name
        for row in rows:
            sheet.append(row)
    for name, features in spec.get("features", {}).items():
        _features(book[name], features)
    book.save(path)
    if not spec.get("inline_strings", False):
        _share_strings(path)
    for name, text in spec.get("printed", {}).items():
        (path.parent / f"{path.stem}-{name}.csv").write_text(text, encoding="utf-8")
    return str(path)
