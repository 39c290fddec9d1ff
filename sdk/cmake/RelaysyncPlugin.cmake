# relaysync_add_plugin(<target> KIND transport|storage|checker NAME <name> SOURCES ...)
# Builds one plugin library named relaysync-<kind>-<name>.so, the file name the host looks for
# when a profile says `plugin: <name>`.
function(relaysync_add_plugin target)
  cmake_parse_arguments(ARG "" "KIND;NAME;OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  if(NOT ARG_KIND MATCHES "^(transport|storage|checker)$")
    message(FATAL_ERROR "relaysync_add_plugin(${target}): KIND must be transport, storage or checker")
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE relaysync::sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "relaysync-${ARG_KIND}-${ARG_NAME}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  elseif(DEFINED RELAYSYNC_PLUGIN_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${RELAYSYNC_PLUGIN_DIR})
  endif()
endfunction()
