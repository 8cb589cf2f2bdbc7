"""``python -m twinschema``: the same command as the ``twinschema`` script, for environments
where the script's folder is not on PATH (a virtualenv that is not activated, CI images)."""

import sys

from twinschema.cli import script

sys.exit(script())
