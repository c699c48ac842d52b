# odibi_module(<name> [PUBLIC deps...] [PRIVATE deps...]): one static library per layer, built from
# src/<name>/**/*.cpp with headers in include/odibi/<name>/. Links name the allowed layer arrows.
function(odibi_module name)
    cmake_parse_arguments(ARG "" "" "PUBLIC;PRIVATE" ${ARGN})
    file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/src/${name}/*.cpp")
    add_library(odibi_${name} STATIC ${sources})
    target_include_directories(odibi_${name}
        PUBLIC "${CMAKE_SOURCE_DIR}/include"
        PRIVATE "${CMAKE_SOURCE_DIR}/src/${name}")
    target_link_libraries(odibi_${name} PUBLIC ${ARG_PUBLIC} PRIVATE ${ARG_PRIVATE})
    if(ODIBI_FAULT_INJECTION)
        target_compile_definitions(odibi_${name} PUBLIC ODIBI_FAULT_INJECTION=1)
    endif()
endfunction()
