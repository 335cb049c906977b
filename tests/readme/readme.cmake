# The C++ blocks of README.md and docs/*.md, built as printed (tests/readme/readme_blocks.py
# says how a block names its target and the code around it). Each block is a target of the
# normal build, so a block that does not compile fails the build; `run` blocks are programs
# that test_readme.cpp runs. The test tracewire_readme_blocks checks that every block is
# built and that its section names the headers and targets the build uses.
set(TRACEWIRE_README_DIR ${CMAKE_CURRENT_BINARY_DIR}/readme)
file(GLOB tracewire_readme_documents ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/*.md)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${tracewire_readme_documents}
             ${CMAKE_CURRENT_LIST_DIR}/readme_blocks.py)
execute_process(COMMAND ${TRACEWIRE_DEBIAN_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/readme_blocks.py extract
                        ${PROJECT_SOURCE_DIR} ${TRACEWIRE_README_DIR}
                COMMAND_ERROR_IS_FATAL ANY)

# tracewire_readme_snippet(<name> <block file> <target> <wrapper or ""> <run ON|OFF> <cxx20 ON|OFF>)
function(tracewire_readme_snippet name file target wrap run cxx20)
  if(NOT TARGET ${target})
    tracewire_skip_suite(readme_${name} "the README block links ${target}, which this build does not have")
    return()
  endif()
  set(source ${file})
  if(wrap)
    set(source ${wrap})
  endif()
  if(run)
    add_executable(readme_${name} ${source})
  else()
    add_library(readme_${name} OBJECT ${source})  # compiled, never linked or run
  endif()
  target_link_libraries(readme_${name} PRIVATE ${target} tracewire_project_options)
  if(cxx20)
    tracewire_use_coroutines(readme_${name})
  endif()
  if(wrap)
    target_compile_definitions(readme_${name} PRIVATE TRACEWIRE_README_SNIPPET="${file}")
    set_source_files_properties(${wrap} TARGET_DIRECTORY readme_${name} PROPERTIES OBJECT_DEPENDS ${file})
  endif()
endfunction()
include(${TRACEWIRE_README_DIR}/snippets.cmake)

add_test(NAME tracewire_readme_blocks
         COMMAND ${TRACEWIRE_DEBIAN_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/readme_blocks.py check ${PROJECT_SOURCE_DIR})
set_tests_properties(tracewire_readme_blocks PROPERTIES LABELS readme TIMEOUT 60)
