// Placeholder parser; replaced by the real grammar.
parser grammar RuleParser;
options { tokenVocab = RuleLexer; }
file_ : IDENT* EOF ;
