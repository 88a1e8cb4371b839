#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  statusCommand,
  watchOption
} from "./chunk-GQSKRZY7.js";
import "./chunk-HLLJJG5P.js";
import "./chunk-KDXSMWQ4.js";
import "./chunk-BGP3KSHI.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-UGJ4MUWN.js";
import "./chunk-RAMMJ5VD.js";
import "./chunk-PHUWVJ7C.js";
import "./chunk-WK2IAVHB.js";
import "./chunk-ODV7476C.js";
import "./chunk-MP62ICMX.js";
import "./chunk-OMDRDTD2.js";
import "./chunk-EWS5QH4S.js";
import "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";
export {
  statusCommand,
  watchOption
};
