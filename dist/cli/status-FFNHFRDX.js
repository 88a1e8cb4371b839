#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  statusCommand,
  watchOption
} from "./chunk-OV4NTZ4C.js";
import "./chunk-CJX4JMWN.js";
import "./chunk-AOR4CBDG.js";
import "./chunk-BGP3KSHI.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-ZOGWTCT2.js";
import "./chunk-XQ536OQV.js";
import "./chunk-55HCZY3O.js";
import "./chunk-WK2IAVHB.js";
import "./chunk-ODV7476C.js";
import "./chunk-NKLN2JHM.js";
import "./chunk-OMDRDTD2.js";
import "./chunk-EWS5QH4S.js";
import "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";
export {
  statusCommand,
  watchOption
};
