// Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, …) are macros over global objects that
// Swift cannot import; these inline functions hand them over as values.
#include <mpi.h>

static inline MPI_Comm latent_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype latent_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype latent_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype latent_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype latent_mpi_long_long(void) { return MPI_LONG_LONG; }
static inline MPI_Op latent_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Errhandler latent_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline int latent_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline int latent_mpi_success(void) { return MPI_SUCCESS; }
static inline int latent_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }
static inline void *latent_mpi_in_place(void) { return MPI_IN_PLACE; }
