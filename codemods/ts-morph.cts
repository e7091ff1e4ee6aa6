// ts-morph's values (Node, SyntaxKind, ts, createWrappedNode) for the codemod's ES modules, through this
// CommonJS file. An ES module that imports a CommonJS package directly makes Node scan the
// package's source for its export names first (cjs-module-lexer), and ts-morph's is large: that
// scan cost 0.15-0.5 s per run. Importing this file, Node scans only these few lines. Types come
// from 'ts-morph' itself (`import type`), which loads nothing. ts-morph and the compiler it loads
// are compiled through V8's code cache (code-cache.cts).
import codeCache = require('./code-cache.cjs');

codeCache.start();
import tsMorph = require('ts-morph');
codeCache.stop();

export import Node = tsMorph.Node;
export import SyntaxKind = tsMorph.SyntaxKind;
export import ts = tsMorph.ts;
export import createWrappedNode = tsMorph.createWrappedNode;
