# Generates the C++ lexer/parser from grammar/*.g4 at build time with the
# Debian antlr4 tool (4.7.2) and builds it as its own C++17 library
# (rdl_grammar) against the 4.9 runtime. Generated code is never committed.
find_program(ANTLR4_TOOL antlr4 REQUIRED)
set(RDL_GEN_DIR ${CMAKE_BINARY_DIR}/generated/grammar)
set(RDL_GRAMMAR_OUT
  ${RDL_GEN_DIR}/RuleLexer.cpp ${RDL_GEN_DIR}/RuleLexer.h
  ${RDL_GEN_DIR}/RuleParser.cpp ${RDL_GEN_DIR}/RuleParser.h
  ${RDL_GEN_DIR}/RuleParserVisitor.cpp ${RDL_GEN_DIR}/RuleParserVisitor.h
  ${RDL_GEN_DIR}/RuleParserBaseVisitor.cpp ${RDL_GEN_DIR}/RuleParserBaseVisitor.h)
add_custom_command(
  OUTPUT ${RDL_GRAMMAR_OUT}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${RDL_GEN_DIR}
  COMMAND ${ANTLR4_TOOL} -Dlanguage=Cpp -visitor -no-listener -package rdl_antlr
          -o ${RDL_GEN_DIR} -Xexact-output-dir
          ${CMAKE_SOURCE_DIR}/grammar/RuleLexer.g4 ${CMAKE_SOURCE_DIR}/grammar/RuleParser.g4
  DEPENDS ${CMAKE_SOURCE_DIR}/grammar/RuleLexer.g4 ${CMAKE_SOURCE_DIR}/grammar/RuleParser.g4
  COMMENT "Generating the rule parser with ANTLR")
# Debian's clang 14 rejects misc/InterpreterDataReader.h (unused by
# generated parsers) that antlr4-runtime.h includes: put a copy of the
# umbrella header without that line first on the include path.
set(RDL_ANTLR_SHIM_DIR ${CMAKE_BINARY_DIR}/generated/antlr_shim)
file(READ ${ANTLR4_INCLUDE_DIR}/antlr4-runtime.h RDL_ANTLR_UMBRELLA)
string(REPLACE "#include \"misc/InterpreterDataReader.h\"" "" RDL_ANTLR_UMBRELLA "${RDL_ANTLR_UMBRELLA}")
file(WRITE ${RDL_ANTLR_SHIM_DIR}/antlr4-runtime.h "${RDL_ANTLR_UMBRELLA}")

add_library(rdl_grammar STATIC ${RDL_GRAMMAR_OUT})
set_target_properties(rdl_grammar PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON
  POSITION_INDEPENDENT_CODE ON)
target_compile_options(rdl_grammar PRIVATE -w)
target_include_directories(rdl_grammar SYSTEM BEFORE PUBLIC ${RDL_ANTLR_SHIM_DIR})
target_include_directories(rdl_grammar SYSTEM PUBLIC ${RDL_GEN_DIR} ${ANTLR4_INCLUDE_DIR})
target_link_libraries(rdl_grammar PUBLIC antlr4_shared)
