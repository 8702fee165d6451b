# rdl_embed_files(OUT_VAR NAME FILES...): generates a .cc that defines
#   std::string_view rdl::embedded::<basename_with_underscores>()
# for each file, so stdlib data ships inside the binaries. Regenerated when a
# file changes.
function(rdl_embed_files out_var name)
  set(out ${CMAKE_BINARY_DIR}/generated/${name}.cc)
  string(REPLACE ";" "|" files "${ARGN}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} "-DFILES=${files}" -P ${CMAKE_SOURCE_DIR}/cmake/EmbedScript.cmake
    DEPENDS ${ARGN} ${CMAKE_SOURCE_DIR}/cmake/EmbedScript.cmake
    COMMENT "Embedding stdlib data" VERBATIM)
  set(${out_var} ${out} PARENT_SCOPE)
endfunction()
