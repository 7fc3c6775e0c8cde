"""``python -m segmentation.synth``: write the sample seeds (see :func:`main`)."""

from segmentation.synth.sample import main

raise SystemExit(main())
