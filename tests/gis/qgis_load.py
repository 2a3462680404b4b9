#!/usr/bin/python3
# qgis_load.py: headless QGIS (Debian's python3-qgis) loads demine's OGC API - Features and
# vector tile layers through a Basic authentication configuration (any user name, an API
# token as the password), as a QGIS 3.22 user sets it up, and renders them to a PNG.
# usage: qgis_load.py URL TOKEN OUT.png COLLECTION...   prints one JSON line:
# {"version", "counts": {collection: n}, "tiles_valid", "png_pixels"}
import json
import os
import sys
import tempfile

os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
from qgis.core import (QgsApplication, QgsAuthMethodConfig, QgsVectorLayer, QgsVectorTileLayer,  # noqa: E402
                       QgsMapSettings, QgsMapRendererSequentialJob, QgsRectangle, QgsCoordinateReferenceSystem,
                       QgsCoordinateTransform, QgsProject, Qgis)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


def main():
    url, token, png, collections = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    profile = tempfile.mkdtemp(prefix='demine-qgis-')
    app = QgsApplication([], False, profile)
    app.initQgis()
    auth = QgsApplication.authManager()
    auth.setMasterPassword('demine-test-master', True)
    cfg = QgsAuthMethodConfig('Basic')
    cfg.setName('demine')
    cfg.setConfig('username', 'qgis')
    cfg.setConfig('password', token)
    ok = auth.storeAuthenticationConfig(cfg)
    if isinstance(ok, tuple):
        ok = ok[0]
    if not ok:
        raise SystemExit('could not store the authentication configuration')
    authcfg = cfg.id()
    counts, layers = {}, []
    for c in collections:
        lyr = QgsVectorLayer(f"url='{url}/ogc' typename='{c}' authcfg='{authcfg}'", c, 'OAPIF')
        if not lyr.isValid():
            counts[c] = None
            continue
        counts[c] = sum(1 for _ in lyr.getFeatures())
        layers.append(lyr)
    tiles = QgsVectorTileLayer(
        f"type=xyz&url={url}/tiles/hazard/%7Bz%7D/%7Bx%7D/%7By%7D.mvt&zmin=0&zmax=14&authcfg={authcfg}", 'tiles')
    tiles_valid = tiles.isValid()
    pixels = 0
    if layers:
        ms = QgsMapSettings()
        ms.setLayers(layers)
        ms.setBackgroundColor(QColor(255, 255, 255))
        ms.setOutputSize(QSize(600, 400))
        ms.setDestinationCrs(QgsCoordinateReferenceSystem('EPSG:4326'))
        ext = QgsRectangle(layers[0].extent())
        for lyr in layers[1:]:
            ext.combineExtentWith(lyr.extent())
        ext.scale(1.1)
        ms.setExtent(ext)
        job = QgsMapRendererSequentialJob(ms)
        job.start()
        job.waitForFinished()
        img = job.renderedImage()
        img.save(png)
        white = QColor(255, 255, 255).rgb()
        for y in range(0, img.height(), 2):
            for x in range(0, img.width(), 2):
                if img.pixel(x, y) != white:
                    pixels += 1
    print(json.dumps({'version': Qgis.QGIS_VERSION, 'counts': counts, 'tiles_valid': tiles_valid, 'png_pixels': pixels}))
    sys.stdout.flush()
    # QGIS 3.22's teardown can crash after the work is done (its threads and the Python
    # bindings' destructors); the answer is printed by then
    os._exit(0)


main()
