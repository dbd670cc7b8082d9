"""Turn off LibreOffice's first-start prompts (tip of the day, the "running version X for the first time" bar) in
a fresh user profile: the bar shows until the profile records the installed version as its last one."""

import re
import subprocess
import sys

version = re.search(
    r"LibreOffice (\d+\.\d+)", subprocess.run(["soffice", "--version"], capture_output=True, text=True).stdout
)
if not version:
    sys.exit("first-start.py: cannot read LibreOffice's version from soffice --version")
ITEMS = (
    ("/org.openoffice.Office.Common/Misc", "ShowTipOfTheDay", "false"),
    ("/org.openoffice.Office.Common/Misc", "FirstRun", "false"),
    ("/org.openoffice.Setup/Office", "ooSetupInstCompleted", "true"),
    ("/org.openoffice.Setup/Product", "ooSetupLastVersion", version.group(1)),
)
path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    text = f.read()
items = "".join(
    f'<item oor:path="{p}"><prop oor:name="{n}" oor:op="fuse"><value>{v}</value></prop></item>\n' for p, n, v in ITEMS
)
with open(path, "w", encoding="utf-8") as f:
    f.write(text.replace("</oor:items>", items + "</oor:items>"))
